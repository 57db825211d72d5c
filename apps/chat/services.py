"""Sessions, user messages and the generations that answer them.

A chat turn: ``post_user_message`` stores the message (idempotent on the client's ``message_id``)
and a ``Generation`` row, and enqueues ``apps.chat.tasks.generate_reply`` after commit. The worker
calls ``run_generation``, which claims the row, streams the assistant and stores its answer, the
produced text version and the events in one transaction. The web process never waits on an LLM.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.chat import delivery, events
from apps.chat.models import Generation, Message, Sender, Session, SessionMode
from apps.executions.models import UserTaskExecution

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=45)  # a running generation without heartbeat for this long is orphaned


class TermsNotAccepted(Exception):
    """The user has not accepted the terms and conditions (the original answers 401)."""


class GenerationBusy(Exception):
    """Another worker holds the generation and is alive; try again after the lease."""


def check_terms_accepted(user: User) -> None:
    if user.terms_and_conditions_accepted is None:
        raise TermsNotAccepted("Terms and conditions not accepted")


def create_session(user: User, *, platform: str | None = "webapp", mode: str = SessionMode.CHAT) -> Session:
    """A new session in the user's language (terms must be accepted first)."""
    check_terms_accepted(user)
    return Session.objects.create(user=user, platform=platform, starting_mode=mode, language=user.language_code or "en")


def user_session(user: User, session_id: str) -> Session | None:
    """The user's (not deleted) session, or None: another user's session looks like a missing one."""
    return Session.objects.filter(pk=session_id, user=user, deleted_by_user=False).first()


def conversation(session_id: str) -> list[dict[str, str]]:
    """The session as chat messages for the LLM (the assistant sees its own tags)."""
    result: list[dict[str, str]] = []
    for message in Message.objects.filter(session_id=session_id).order_by("message_date", "id"):
        content = message.message or {}
        text = content.get("text")
        if not text:
            continue  # errors, audio still being transcribed
        if message.sender == Sender.USER:
            result.append({"role": "user", "content": text})
        elif message.sender == Sender.MOJO:
            result.append({"role": "assistant", "content": content.get("text_with_tags") or text})
        else:
            result.append({"role": "system", "content": text})
    return result


# --- user messages -------------------------------------------------------------------------------


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
    executions = UserTaskExecution.objects.select_related("user_task__task").filter(
        session=session, deleted_by_user__isnull=True
    )
    if user_task_execution_pk is not None:
        return executions.filter(pk=user_task_execution_pk).first()
    return executions.order_by("-id").first()


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
                _enqueue(generation.pk)
            existing.refresh_from_db()
        processing = "text" not in (existing.message or {})
        return PostedMessage(existing, created=False, processing=processing)

    execution = running_execution(session, user_task_execution_pk)
    if user_task_execution_pk is not None and execution is None:
        raise UserTaskExecution.DoesNotExist("user_task_execution_pk is not an execution of this session")
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
    delivery.record_event(session.pk, events.USER_MESSAGE_RECEPTION, {"success": text or "", "session_id": session.pk})
    if execution is not None:
        from apps.executions import services as executions

        executions.mark_started(execution)
    generation = Generation.objects.create(
        session=session,
        kind=Generation.Kind.REPLY,
        user_message=message,
        user_task_execution=execution,
        options=options or {},
    )
    _enqueue(generation.pk)
    return PostedMessage(message, created=True, processing=False)


def start_form_run(execution: UserTaskExecution, options: dict[str, Any] | None = None) -> Generation:
    """Queue the first answer of an instruct task started from its form (once per execution)."""
    generation, created = Generation.objects.get_or_create(
        user_task_execution=execution,
        kind=Generation.Kind.FORM,
        defaults={"session_id": execution.session_id, "options": options or {}},
    )
    if created:
        _enqueue(generation.pk)
    return generation


def _enqueue(generation_pk: int) -> None:
    from apps.chat.tasks import generate_reply

    transaction.on_commit(lambda: generate_reply.delay(generation_pk))


# --- running a generation (worker side) ----------------------------------------------------------


def claim_generation(generation_pk: int) -> Generation | None:
    """Take the generation for this worker; None when it is finished or gone. Raises
    ``GenerationBusy`` while a live worker holds it."""
    now = timezone.now()
    claimable = Q(status=Generation.Status.PENDING) | Q(status=Generation.Status.RUNNING, heartbeat_at__lt=now - LEASE)
    from django.db.models import F

    claimed = Generation.objects.filter(claimable, pk=generation_pk).update(
        status=Generation.Status.RUNNING, claimed_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    generation = Generation.objects.select_related("session__user").filter(pk=generation_pk).first()
    if generation is None:
        return None
    if claimed:
        return generation
    if generation.status == Generation.Status.RUNNING:
        raise GenerationBusy(f"generation {generation_pk} is running elsewhere")
    return None  # done or failed: a redelivered message has nothing left to do


def heartbeat(generation_pk: int) -> None:
    Generation.objects.filter(pk=generation_pk, status=Generation.Status.RUNNING).update(heartbeat_at=timezone.now())


def release(generation_pk: int) -> None:
    """Give a claimed generation back (a retryable failure: the retry claims it again)."""
    Generation.objects.filter(pk=generation_pk, status=Generation.Status.RUNNING).update(
        status=Generation.Status.PENDING, heartbeat_at=None
    )


def run_generation(generation_pk: int) -> None:
    """Produce the assistant's answer for a generation (idempotent; see ``claim_generation``)."""
    from apps.chat.assistants import answer
    from apps.llm.errors import LLMRetryableError

    generation = claim_generation(generation_pk)
    if generation is None:
        return
    try:
        answer(generation)
    except LLMRetryableError:
        release(generation.pk)
        raise
    except Exception as exc:
        logger.exception("generation %s failed", generation.pk)
        fail_generation(generation, f"{type(exc).__name__}: {exc}")


@transaction.atomic
def fail_generation(generation: Generation, error: str) -> None:
    """Record a failed turn: error message in the session, ``error`` event, message in error state."""
    delivery.clear_partial(generation.session_id)
    Generation.objects.filter(pk=generation.pk).update(
        status=Generation.Status.FAILED, error=error, finished_at=timezone.now()
    )
    payload: dict[str, Any] = {"error": error, "session_id": generation.session_id}
    if generation.user_message_id is not None:
        payload["user_message_pk"] = generation.user_message_id
        Message.objects.filter(pk=generation.user_message_id).update(in_error_state=timezone.now())
    if generation.user_task_execution_id is not None:
        payload["user_task_execution_pk"] = generation.user_task_execution_id
    Message.objects.create(session_id=generation.session_id, sender=Sender.MOJO, event_name="error", message=payload)
    delivery.record_event(generation.session_id, events.ERROR, payload)


@transaction.atomic
def finish_generation(generation: Generation, message_content: dict[str, Any], *, draft: bool) -> Message:
    """Store the assistant's message and its event; mark the generation done (one transaction)."""
    locked = Generation.objects.select_for_update().get(pk=generation.pk)
    if locked.status != Generation.Status.RUNNING:
        raise GenerationBusy(f"generation {generation.pk} was taken over")  # lost the lease
    event = events.DRAFT_MESSAGE if draft else events.MOJO_MESSAGE
    message = Message.objects.create(
        session_id=generation.session_id, sender=Sender.MOJO, event_name=event, message=message_content
    )
    payload = {**message_content, "session_id": generation.session_id, "message_pk": message.pk, "audio": False}
    message.message = payload
    message.save(update_fields=["message"])
    Generation.objects.filter(pk=generation.pk).update(
        status=Generation.Status.DONE, finished_at=timezone.now(), result_message=message, error=""
    )
    transaction.on_commit(lambda: delivery.clear_partial(generation.session_id))
    delivery.record_event(generation.session_id, event, payload)
    return message


@transaction.atomic
def finish_generation_without_message(generation: Generation) -> None:
    """Mark a turn done that answers with an action instead of a message (the workflow
    assistant's ``<user_instruction>`` re-runs a step; the original stores no message)."""
    locked = Generation.objects.select_for_update().get(pk=generation.pk)
    if locked.status != Generation.Status.RUNNING:
        raise GenerationBusy(f"generation {generation.pk} was taken over")  # lost the lease
    Generation.objects.filter(pk=generation.pk).update(
        status=Generation.Status.DONE, finished_at=timezone.now(), error=""
    )
    transaction.on_commit(lambda: delivery.clear_partial(generation.session_id))


# --- text-edit actions ---------------------------------------------------------------------------


class TextEditNotApplicable(Exception):
    """The action is unknown or applies to no text type."""


@transaction.atomic
def start_text_edit(
    user: User, *, produced_text_version_pk: int, text_edit_action_pk: int, platform: str, message_pk: int | None
) -> Message:
    """Queue a text-edit action on one of the user's produced text versions; the user's click is
    stored as a chat message (the action's name). A retry with ``message_pk`` starts nothing new."""
    from apps.catalog.models import TextEditAction
    from apps.executions.models import ProducedTextVersion
    from apps.executions.services import displayed_data

    version = (
        ProducedTextVersion.objects.select_related("produced_text__user_task_execution")
        .filter(pk=produced_text_version_pk, produced_text__user=user, produced_text__deleted_by_user__isnull=True)
        .first()
    )
    if version is None:
        raise ProducedTextVersion.DoesNotExist("produced_text_version_pk: not found")
    action = TextEditAction.objects.filter(pk=text_edit_action_pk, text_type_associations__isnull=False).first()
    if action is None:
        raise TextEditNotApplicable("text_edit_action_pk: unknown action or linked to no text type")
    produced_text = version.produced_text
    execution = produced_text.user_task_execution
    session_id = produced_text.session_id or (execution.session_id if execution else None)
    if session_id is None:
        raise TextEditNotApplicable("produced_text_version_pk: this text belongs to no session")
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
    _enqueue(generation.pk)
    return message


# --- proper nouns (POST /vocabulary) ---------------------------------------------------------------


class NothingToTag(Exception):
    """The message has no text to tag."""


def request_proper_noun_tagging(user: User, message_pk: int) -> Message:
    """Queue the tagging of proper nouns (``*Word*``) in one of the user's messages.

    The original answered with the tagged text synchronously; here the LLM runs on a worker and
    the result arrives as a ``proper_nouns_tagged`` event (and in ``GET /message``).
    """
    message = Message.objects.filter(pk=message_pk, session__user=user, session__deleted_by_user=False).first()
    if message is None:
        raise Message.DoesNotExist("message_pk: not found")
    if not (message.message or {}).get("text"):
        raise NothingToTag("message_pk: this message has no text")
    from apps.chat.tasks import tag_proper_nouns

    transaction.on_commit(lambda: tag_proper_nouns.delay(message.pk))
    return message


def tag_proper_nouns(message_pk: int) -> str | None:
    """Rewrite a message's text with its proper nouns starred; tell the session. Running it again
    re-tags the same text (stars are stripped first), so a redelivery changes nothing visible."""
    from apps.accounts.models import UserVocabulary
    from apps.llm import services as llm

    message = Message.objects.select_related("session").filter(pk=message_pk).first()
    if message is None or not (message.message or {}).get("text"):
        return None
    session = message.session
    original = str(message.message["text"]).replace("*", "")
    vocabulary = list(UserVocabulary.objects.filter(user_id=session.user_id).values_list("word", flat=True))
    execution = running_execution(session, message.message.get("user_task_execution_pk"))
    result = llm.chat(
        llm.render_prompt("chat/proper_nouns_tagger", transcription=original, vocabulary=vocabulary),
        user_id=session.user_id,
        execution_pk=execution.pk if execution else None,
        task_name=execution.user_task.task.name_for_system if execution else None,
        max_tokens=2000,
    )
    tagged = result.text.strip() or original
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message_pk)
        content = dict(locked.message or {})
        content["text"] = tagged
        locked.message = content
        locked.save(update_fields=["message"])
        delivery.record_event(
            session.pk,
            events.PROPER_NOUNS_TAGGED,
            {"message_pk": message_pk, "tagged_text": tagged, "session_id": session.pk},
        )
    return tagged
