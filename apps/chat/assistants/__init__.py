"""The assistants that answer a generation (instruct task, text-edit action; workflow and home chat
plug in here). ``answer`` picks one from the generation's kind and task type."""

from __future__ import annotations

from apps.chat.models import Generation


class UnsupportedOrigin(Exception):
    """The generation cannot be answered by any assistant (told to the user as an error)."""


def answer(generation: Generation) -> None:
    from apps.catalog.models import TaskType
    from apps.chat.assistants import instruct, text_edit

    if generation.kind == Generation.Kind.TEXT_EDIT:
        text_edit.run(generation)
        return
    execution = generation.user_task_execution
    if execution is None:
        raise UnsupportedOrigin("This message is not attached to a task execution (home chat is not available yet)")
    if execution.user_task.task.type == TaskType.WORKFLOW:
        from apps.chat.assistants import workflow

        workflow.run(generation)
        return
    instruct.run(generation)
