"""The workflow assistant: chat on a workflow execution (reference assistants-and-prompts §2-§4).

While the workflow runs, the chat is the review of a rejected step: the model answers with
``<no_go_explanation>`` (the user wants to change the inputs or a validated step: not possible),
``<ask_for_clarification>`` (unclear), or ``<user_instruction>`` (clear: the step under review is
invalidated with that instruction and runs again — no assistant message is stored for this turn).
Once the workflow delivered its result, the same chat edits it when the task enables it
(``result_chat_enabled``): ``<execution>`` with ``<title>`` and ``<draft>`` becomes a new produced
text version and a ``draft_message``.
"""

from __future__ import annotations

from django.db import transaction

from apps.assistants import context
from apps.assistants.instruct import transcribe_pending_audio, visible_text
from apps.assistants.runs import deliver_draft
from apps.assistants.streaming import TokenRouter, converse
from apps.chat import services as chat
from apps.chat.models import Generation
from apps.llm import services as llm
from apps.llm import tags
from apps.workflows import services as workflows

NOTHING_TO_REVIEW = "No step of this workflow is waiting for your review right now."
RESULT_CHAT_DISABLED = "This task does not allow changing its result in the chat."


def run(generation: Generation) -> None:
    transcribe_pending_audio(generation)
    execution = generation.user_task_execution
    assert execution is not None
    user = generation.session.user
    task = execution.user_task.task
    produced_text_done = execution.produced_texts.exists()
    if produced_text_done and not task.result_chat_enabled:
        chat.finish_generation(
            generation, {"text": RESULT_CHAT_DISABLED, "user_task_execution_pk": execution.pk}, draft=False
        )
        return
    prompt = llm.render_prompt(
        "chat/workflow_run",
        **context.base_values(user),
        workflow={"name_for_system": task.name_for_system, "definition": task.definition_for_system},
        user_workflow_inputs=execution.json_input_values or [],
        produced_text_done=produced_text_done,
        audio_message=bool(generation.options.get("audio")),
        tag_proper_nouns=generation.options.get("platform") == "mobile",
    )
    router = TokenRouter(generation, (tags.ASK_FOR_CLARIFICATION, tags.USER_INSTRUCTION))
    raw, content = converse(generation, prompt, router, assistant="workflow", execution=execution)

    if tags.has(raw, tags.EXECUTION):
        execution_text = tags.extract(raw, tags.EXECUTION)
        if tags.has(execution_text, tags.DRAFT):
            deliver_draft(generation, execution, content, execution_text, workflow=True)
            return
        content["text"] = visible_text(execution_text)
    elif tags.has(raw, tags.NO_GO_EXPLANATION):
        content["text"] = tags.extract(raw, tags.NO_GO_EXPLANATION)
    elif tags.has(raw, tags.ASK_FOR_CLARIFICATION):
        content["text"] = tags.extract(raw, tags.ASK_FOR_CLARIFICATION)
    elif tags.has(raw, tags.USER_INSTRUCTION) and tags.extract(raw, tags.USER_INSTRUCTION):
        with transaction.atomic():
            invalidated = workflows.invalidate_current_step(execution, tags.extract(raw, tags.USER_INSTRUCTION))
            if invalidated is not None:
                chat.finish_generation_without_message(generation)
                return
        content["text"] = NOTHING_TO_REVIEW
    else:
        content["text"] = visible_text(raw)
    chat.finish_generation(generation, content, draft=False)
