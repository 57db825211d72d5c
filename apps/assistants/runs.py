"""Creating an execution and starting it from its form; what follows a delivered draft.

These steps cross every layer (purchases decide access, the chat gets a session, workflows get
their first step, instruct tasks get their first generation), which is why they live here and not
in ``apps.executions``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from apps.assistants.queue import enqueue_generation
from apps.catalog.models import TaskType
from apps.catalog.selectors import displayed_data
from apps.chat import events
from apps.chat import services as chat
from apps.chat.models import Generation, SessionMode
from apps.executions import services as executions
from apps.executions.models import UserTaskExecution
from apps.llm import tags
from apps.products.services import check_can_start_task, consume_purchase_for_execution
from apps.workflows import services as workflows
from apps.workflows.locks import lock_execution


@transaction.atomic
def create_execution(
    user: Any,
    user_task: Any,
    *,
    platform: str | None = "webapp",
    predefined_action_from: UserTaskExecution | None = None,
) -> UserTaskExecution:
    """A new, not yet started execution of one of the user's tasks, with its own session.

    Access is decided by the purchases service (``NoPurchase`` when no active purchase allows the
    task); the inputs are the task's form in the user's language, each with ``value: null``.
    """
    check_can_start_task(user, user_task.task)
    session = chat.create_session(user, platform=platform, mode=SessionMode.FORM)
    data = displayed_data(user_task.task.displayed_data.all(), user.language_code)
    json_input = [dict(item, value=None) for item in ((data.json_input if data else None) or [])]
    return UserTaskExecution.objects.create(
        user_task=user_task,
        session=session,
        json_input_values=json_input,
        predefined_action_from_user_task_execution=predefined_action_from,
    )


@transaction.atomic
def run_from_form(
    execution: UserTaskExecution,
    inputs: Sequence[Mapping[str, Any]],
    files: Mapping[str, UploadedFile] | None = None,
    options: dict[str, Any] | None = None,
) -> bool:
    """Fill the form inputs, start the execution and queue its first answer. A repeated run of an
    execution already started changes nothing and returns False."""
    locked = UserTaskExecution.objects.select_for_update().select_related("user_task__task").get(pk=execution.pk)
    if locked.start_date is not None:
        return False
    locked.json_input_values = executions.fill_inputs(locked, inputs, files)
    locked.save(update_fields=["json_input_values"])
    executions.mark_started(locked)
    if locked.user_task.task.type == TaskType.WORKFLOW:
        workflows.start(locked)  # the first step is queued after commit
    else:
        start_form_run(locked, options)
    return True


def start_form_run(execution: UserTaskExecution, options: dict[str, Any] | None = None) -> Generation:
    """Queue the first answer of an instruct task started from its form (once per execution)."""
    generation, created = Generation.objects.get_or_create(
        user_task_execution=execution,
        kind=Generation.Kind.FORM,
        defaults={"session_id": execution.session_id, "options": options or {}},
    )
    if created:
        enqueue_generation(generation.pk)
    return generation


def after_draft(execution: UserTaskExecution) -> None:
    """A draft was delivered: the execution ends now (again), consumes its purchase, gets a title."""
    UserTaskExecution.objects.filter(pk=execution.pk).update(end_date=timezone.now())
    consume_purchase_for_execution(execution)
    executions.request_title(execution)


def deliver_draft(
    generation: Generation,
    execution: UserTaskExecution,
    content: events.MessageContent,
    execution_text: str,
    *,
    workflow: bool,
) -> None:
    """The ``<title>``/``<draft>`` of an answer become a new version of the execution's text and a
    ``draft_message``, in one transaction (the version exists only with its message and event);
    then ``after_draft``. A workflow's execution row is locked first: one lock order with the
    workflow engine (ADR 0005)."""
    title, production = tags.title_and_draft(execution_text)
    with transaction.atomic():
        if workflow:
            lock_execution(execution.pk)
        version = executions.save_produced_text_version(
            user_id=generation.session.user_id, title=title, production=production, execution=execution
        )
        content.update(executions.version_payload(version))
        chat.finish_generation(generation, content, draft=True)
        after_draft(execution)
