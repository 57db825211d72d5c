"""Sessions, the conversation, and the life cycle of a generation (claim, heartbeat, finish, fail).

A chat turn is started by ``apps.assistants`` (which knows executions and tasks): it stores the user
message and a ``Generation`` row; the worker claims the row here, the assistant streams its answer,
and ``finish_generation`` stores the message and its event in one transaction. The web process
never waits on an LLM. This module knows sessions and messages only.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import User, UserVocabulary
from apps.chat import delivery, events, files
from apps.chat.models import Generation, Message, Sender, Session, SessionMode
from apps.core.errors import Conflict, Missing, Unauthorized
from apps.llm import services as llm

logger = logging.getLogger(__name__)


def lease() -> timedelta:
    """A running generation without heartbeat for this long is orphaned (ADR 0006)."""
    return timedelta(seconds=settings.GENERATION_LEASE)


def heartbeat_interval() -> float:
    """Seconds between a running generation's heartbeats: 5, or a third of a shorter lease."""
    return min(5.0, settings.GENERATION_LEASE / 3)


GENERATE_REPLY = "apps.chat.tasks.generate_reply"  # registered by apps.assistants.tasks


class TermsNotAccepted(Unauthorized):
    """The user has not accepted the terms and conditions (the original answers 401)."""


class GenerationBusy(Conflict):
    """Another worker holds the generation and is alive; try again after the lease."""


class ClaimLost(Exception):
    """This worker's claim was taken over (it stalled past the lease): its answer is discarded."""


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


def execution_context(session: Session, user_task_execution_pk: int | None) -> tuple[int | None, str | None]:
    """(execution pk, task name) an LLM call on the session is accounted to: the given execution of
    the session, else its latest (not deleted) one. Read through the session's reverse relation:
    chat sits below executions in the layer order and does not import that app."""
    rows = session.user_task_executions.filter(deleted_by_user__isnull=True)  # type: ignore[attr-defined]
    if user_task_execution_pk is not None:
        rows = rows.filter(pk=user_task_execution_pk)
    found = rows.order_by("-id").values_list("pk", "user_task__task__name_for_system").first()
    return (found[0], found[1]) if found else (None, None)


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


# --- running a generation (worker side) ----------------------------------------------------------


def claim_generation(generation_pk: int) -> Generation | None:
    """Take the generation for this worker; None when it is finished or gone. Raises
    ``GenerationBusy`` while a live worker holds it. The returned row's ``attempts`` is this
    claim's fence: only the holder of the latest claim may heartbeat, release or commit. A dead
    worker's generation already claimed ``GENERATION_MAX_ATTEMPTS`` times is failed instead (an
    answer that kills its worker every time must not loop)."""
    now = timezone.now()
    stale = Q(status=Generation.Status.RUNNING, heartbeat_at__lt=now - lease())
    capped = Q(attempts__gte=settings.GENERATION_MAX_ATTEMPTS)
    claimable = Q(status=Generation.Status.PENDING) | (stale & ~capped)
    with transaction.atomic():
        claimed = Generation.objects.filter(claimable, pk=generation_pk).update(
            status=Generation.Status.RUNNING, claimed_at=now, heartbeat_at=now, attempts=F("attempts") + 1
        )
        generation = Generation.objects.select_related("session__user").filter(pk=generation_pk).first()
    if generation is None:
        return None
    if claimed:
        if generation.attempts > 1:
            logger.warning("generation %s taken over (claim %s)", generation_pk, generation.attempts)
        return generation
    if Generation.objects.filter(stale & capped, pk=generation_pk).exists():
        fail_generation(generation, f"The answer stopped {generation.attempts} times without finishing")
        return None
    if generation.status == Generation.Status.RUNNING:
        raise GenerationBusy(f"generation {generation_pk} is running elsewhere")
    return None  # done or failed: a redelivered message has nothing left to do


def _held(generation: Generation) -> Q:
    """Rows still held by this claim: running, with the claim's fence."""
    return Q(pk=generation.pk, status=Generation.Status.RUNNING, attempts=generation.attempts)


def heartbeat(generation: Generation) -> bool:
    """Refresh the lease; False when the claim was lost (another worker took over)."""
    return bool(Generation.objects.filter(_held(generation)).update(heartbeat_at=timezone.now()))


def release(generation: Generation) -> None:
    """Give a claimed generation back (a retryable failure: the retry claims it again)."""
    # heartbeat_at marks when it went back to pending: the sweep leaves the retry's backoff alone
    Generation.objects.filter(_held(generation)).update(status=Generation.Status.PENDING, heartbeat_at=timezone.now())


def stale_generations(batch: int = 500) -> list[int]:
    """Running generations whose heartbeat is older than the lease (dead worker) and pending ones no
    worker took for ``GENERATION_PENDING_REQUEUE_AFTER`` since they were created or released (lost
    message), oldest first."""
    now = timezone.now()
    waited = timedelta(seconds=settings.GENERATION_PENDING_REQUEUE_AFTER)
    rows = (
        Generation.objects.annotate(pending_since=Coalesce("heartbeat_at", "created_at"))
        .filter(
            Q(status=Generation.Status.RUNNING, heartbeat_at__lt=now - lease())
            | Q(status=Generation.Status.PENDING, pending_since__lt=now - waited)
        )
        .order_by("id")
        .values_list("pk", flat=True)[:batch]
    )
    return list(rows)


def relaunch_stale_generations(batch: int = 500) -> list[int]:
    """Send ``generate_reply`` for every stale generation. The task lives in ``apps.assistants``,
    above the chat in the layer order, so it is sent by its registered name (routed to ``llm``)."""
    pks = stale_generations(batch)
    for pk in pks:
        current_app.send_task(GENERATE_REPLY, args=[pk])
    if pks:
        logger.info("relaunched %s stale generation(s): %s", len(pks), pks)
    return pks


@transaction.atomic
def fail_generation(generation: Generation, error: str) -> bool:
    """Record a failed turn: error message in the session, ``error`` event, message in error state.

    Postgres only (the partial text is dropped after commit, best-effort), so a Redis outage cannot
    roll it back. False when the claim was lost: the worker that took over decides the outcome."""
    failed = Generation.objects.filter(_held(generation)).update(
        status=Generation.Status.FAILED, error=error, finished_at=timezone.now()
    )
    if not failed:
        logger.warning("generation %s: claim %s lost, failure not recorded", generation.pk, generation.attempts)
        return False
    payload = events.error(
        error,
        generation.session_id,
        user_message_pk=generation.user_message_id,
        user_task_execution_pk=generation.user_task_execution_id,
    )
    if generation.user_message_id is not None:
        Message.objects.filter(pk=generation.user_message_id).update(in_error_state=timezone.now())
    Message.objects.create(session_id=generation.session_id, sender=Sender.MOJO, event_name="error", message=payload)
    delivery.record_event(generation.session_id, events.ERROR, payload)
    transaction.on_commit(lambda: delivery.clear_partial(generation.session_id))
    if generation.user_message_id is not None:
        message_pk = generation.user_message_id
        transaction.on_commit(lambda: files.remove_failed_message_audio(message_pk))
    return True


def _lock_claim(generation: Generation) -> None:
    """Lock the row and check this worker still holds the claim (raises ``ClaimLost``)."""
    locked = Generation.objects.select_for_update().get(pk=generation.pk)
    if locked.status != Generation.Status.RUNNING or locked.attempts != generation.attempts:
        raise ClaimLost(f"generation {generation.pk} was taken over (claim {generation.attempts})")


@transaction.atomic
def finish_generation(generation: Generation, message_content: events.MessageContent, *, draft: bool) -> Message:
    """Store the assistant's message and its event; mark the generation done (one transaction)."""
    _lock_claim(generation)
    event = events.DRAFT_MESSAGE if draft else events.MOJO_MESSAGE
    message = Message.objects.create(
        session_id=generation.session_id, sender=Sender.MOJO, event_name=event, message=dict(message_content)
    )
    build = events.draft_message if draft else events.mojo_message
    payload = build(message_content, session_id=generation.session_id, message_pk=message.pk)
    message.message = dict(payload)
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
    _lock_claim(generation)
    Generation.objects.filter(pk=generation.pk).update(
        status=Generation.Status.DONE, finished_at=timezone.now(), error=""
    )
    transaction.on_commit(lambda: delivery.clear_partial(generation.session_id))


# --- proper nouns (POST /vocabulary) ---------------------------------------------------------------


class NothingToTag(Missing):
    """The message has no text to tag (404, like the original's missing message)."""


def request_proper_noun_tagging(user: User, message_pk: int) -> Message:
    """Queue the tagging of proper nouns (``*Word*``) in one of the user's messages.

    The original answered with the tagged text synchronously; here the LLM runs on a worker and
    the result arrives as a ``proper_nouns_tagged`` event (and in ``GET /message``).
    """
    message = Message.objects.filter(pk=message_pk, session__user=user, session__deleted_by_user=False).first()
    if message is None:
        raise Missing("message_pk: not found")
    if not (message.message or {}).get("text"):
        raise NothingToTag("message_pk: this message has no text")
    # The task module imports this one (task ↔ service): the task is looked up when called.
    from apps.chat.tasks import tag_proper_nouns

    transaction.on_commit(lambda: tag_proper_nouns.delay(message.pk))
    return message


def tag_proper_nouns(message_pk: int) -> str | None:
    """Rewrite a message's text with its proper nouns starred; tell the session. Running it again
    re-tags the same text (stars are stripped first), so a redelivery changes nothing visible."""
    message = Message.objects.select_related("session").filter(pk=message_pk).first()
    if message is None or not (message.message or {}).get("text"):
        return None
    session = message.session
    original = str(message.message["text"]).replace("*", "")
    vocabulary = list(UserVocabulary.objects.filter(user_id=session.user_id).values_list("word", flat=True))
    execution_pk, task_name = execution_context(session, message.message.get("user_task_execution_pk"))
    result = llm.chat(
        llm.render_prompt("chat/proper_nouns_tagger", transcription=original, vocabulary=vocabulary),
        user_id=session.user_id,
        execution_pk=execution_pk,
        task_name=task_name,
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
            session.pk, events.PROPER_NOUNS_TAGGED, events.proper_nouns_tagged(message_pk, tagged, session.pk)
        )
    return tagged
