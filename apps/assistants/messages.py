"""A user's chat turn on a session, and the text-edit action started from a produced text.

``post_user_message`` stores the message (idempotent on the client's ``message_id``) and a
``Generation`` row, starts the session's running execution, and enqueues the answer after commit.
The worker runs it (``apps.assistants.generation``). The web process never waits on an LLM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.assistants.queue import enqueue_generation
from apps.catalog.models import TextEditAction
from apps.catalog.selectors import displayed_data
from apps.chat import delivery, events
from apps.chat.models import Generation, Message, Sender, Session
from apps.core.errors import Invalid, Missing
from apps.executions import services as executions
from apps.executions.models import ProducedTextVersion, UserTaskExecution


class ExecutionNotInSession(Missing, UserTaskExecution.DoesNotExist):
    """``user_task_execution_pk`` names no execution of this session (404)."""


class VersionNotFound(Missing, ProducedTextVersion.DoesNotExist):
    """The produced text version is not the user's, or does not exist (404)."""


class TextEditNotApplicable(Invalid):
    """The action is unknown, applies to no text type, or the text has no session (400; the body
    names ``text_edit_action_pk`` in every case, as the route always did)."""

    def __init__(self, reason: str):
        super().__init__(f"text_edit_action_pk: {reason}", fields={"text_edit_action_pk": [reason]})


@dataclass
class PostedMessage:
    message: Message
    created: bool
    processing: bool  # the same message_id is still being handled: the original answers "processing"


def _find_existing(session: Session, message_id: str, message_pk: int | None) -> Message | None:
    query = Message.objects.select_for_update().filter(session=session, sender=Sender.USER)
    if message_pk is not None:
        found = query.filter(pk=message_pk).first()
        if found is not None:
            return found
    return query.filter(message__message_id=message_id).first()


def running_execution(session: Session, user_task_execution_pk: int | None) -> UserTaskExecution | None:
    executions_of_session = UserTaskExecution.objects.select_related("user_task__task").filter(
        session=session, deleted_by_user__isnull=True
    )
    if user_task_execution_pk is not None:
        return executions_of_session.filter(pk=user_task_execution_pk).first()
    return executions_of_session.order_by("-id").first()


@transaction.atomic
def post_user_message(
    user: User,
    session: Session,
    *,
    message_id: str,
    text: str | None = None,
    audio_file: str | None = None,
    message_date: datetime | None = None,
    message_pk: int | None = None,
    user_task_execution_pk: int | None = None,
    options: dict[str, Any] | None = None,
) -> PostedMessage:
    """Store a user's chat message and start the assistant's answer; a retry starts nothing twice.

    The same ``message_id`` (or ``message_pk``) again returns the stored message; a message in
    error state is cleared and its generation re-queued. Audio is transcribed by the worker.
    """
    # Serialize concurrent retries of one message on the session row.
    Session.objects.select_for_update().filter(pk=session.pk).first()
    existing = _find_existing(session, message_id, message_pk)
    if existing is not None:
        generation = Generation.objects.filter(user_message=existing).first()
        if existing.in_error_state is not None or (generation and generation.status == Generation.Status.FAILED):
            Message.objects.filter(pk=existing.pk).update(in_error_state=None)
            if generation is not None:
                Generation.objects.filter(pk=generation.pk).update(status=Generation.Status.PENDING, error="")
                enqueue_generation(generation.pk)
            existing.refresh_from_db()
        processing = "text" not in (existing.message or {})
        return PostedMessage(existing, created=False, processing=processing)

    execution = running_execution(session, user_task_execution_pk)
    if user_task_execution_pk is not None and execution is None:
        raise ExecutionNotInSession("user_task_execution_pk: no such execution in this session")
    content: dict[str, Any] = {"message_id": message_id}
    if text is not None:
        content["text"] = text
    if audio_file is not None:
        content["audio_file"] = audio_file
    if execution is not None:
        content["user_task_execution_pk"] = execution.pk
    message = Message.objects.create(
        session=session,
        sender=Sender.USER,
        event_name="user_message",
        message=content,
        message_date=message_date or timezone.now(),
    )
    message.message = {**content, "message_pk": message.pk}
    message.save(update_fields=["message"])
    delivery.record_event(
        session.pk, events.USER_MESSAGE_RECEPTION, events.user_message_reception(text or "", session.pk)
    )
    if execution is not None:
        executions.mark_started(execution)
    generation = Generation.objects.create(
        session=session,
        kind=Generation.Kind.REPLY,
        user_message=message,
        user_task_execution=execution,
        options=options or {},
    )
    enqueue_generation(generation.pk)
    return PostedMessage(message, created=True, processing=False)


@transaction.atomic
def start_text_edit(
    user: User, *, produced_text_version_pk: int, text_edit_action_pk: int, platform: str, message_pk: int | None
) -> Message:
    """Queue a text-edit action on one of the user's produced text versions; the user's click is
    stored as a chat message (the action's name). A retry with ``message_pk`` starts nothing new."""
    version = (
        ProducedTextVersion.objects.select_related("produced_text__user_task_execution")
        .filter(pk=produced_text_version_pk, produced_text__user=user, produced_text__deleted_by_user__isnull=True)
        .first()
    )
    if version is None:
        raise VersionNotFound("produced_text_version_pk: not found")
    action = TextEditAction.objects.filter(pk=text_edit_action_pk, text_type_associations__isnull=False).first()
    if action is None:
        raise TextEditNotApplicable("unknown action or linked to no text type")
    produced_text = version.produced_text
    execution = produced_text.user_task_execution
    session_id = produced_text.session_id or (execution.session_id if execution else None)
    if session_id is None:
        raise TextEditNotApplicable("this text belongs to no session")
    if message_pk is not None:
        retried = Message.objects.filter(pk=message_pk, session_id=session_id, sender=Sender.USER).first()
        if retried is not None and Generation.objects.filter(user_message=retried).exists():
            return retried
    name = displayed_data(action.displayed_data.all(), user.language_code)
    content: dict[str, Any] = {"text": name.name if name else action.prompt_file_name}
    if execution is not None:
        content["user_task_execution_pk"] = execution.pk
    message = Message.objects.create(
        session_id=session_id, sender=Sender.USER, event_name="user_message", message=content
    )
    message.message = {**content, "message_pk": message.pk}
    message.save(update_fields=["message"])
    generation = Generation.objects.create(
        session_id=session_id,
        kind=Generation.Kind.TEXT_EDIT,
        user_message=message,
        user_task_execution=execution,
        produced_text_version=version,
        text_edit_action=action,
        options={"platform": platform},
    )
    enqueue_generation(generation.pk)
    return message
