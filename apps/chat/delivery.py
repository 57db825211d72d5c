"""Delivery of session events: the sequenced log in Postgres, acknowledgements, replay, partials.

Every durable event is written to ``SessionEvent`` with the next ``seq`` of its session in the
transaction that produced it, then sent live through the channel layer after commit. The per-session
counter row is locked by the increment, so events commit in ``seq`` order and a client that replays
``seq > last_seq`` never misses one. Tokens are not logged: the latest cumulative token payload of a
running generation is kept in the cache (Redis) with a TTL, so a reconnecting client sees the text
so far and then the live tokens.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from redis.exceptions import RedisError

from apps.chat import events
from apps.chat.models import Message, SessionEvent
from apps.chat.signals import send_versions_read
from apps.core import realtime

logger = logging.getLogger(__name__)

PARTIAL_TTL = 300  # seconds a partial text outlives its last token
RESEND_AFTER = timedelta(seconds=5)
# What a Redis outage raises from the cache or the channel layer (redis-py, or the socket itself).
REDIS_ERRORS = (RedisError, OSError)
MAX_SENDS = 120  # about ten minutes of re-sends, like the original


def next_seq(session_id: str) -> int:
    """Increment and return the session's event counter (row-locked until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mojodex_session_sequence (session_id, last_seq) VALUES (%s, 1) "
            "ON CONFLICT (session_id) DO UPDATE SET last_seq = mojodex_session_sequence.last_seq + 1 "
            "RETURNING last_seq",
            [session_id],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def ack_key_for(event: str, data: Mapping[str, Any]) -> str:
    if event == events.DRAFT_MESSAGE and data.get("produced_text_version_pk"):
        return f"version:{data['produced_text_version_pk']}"
    if data.get("message_pk"):
        return f"message:{data['message_pk']}"
    return ""


@transaction.atomic
def record_event(session_id: str, event: str, data: Mapping[str, Any]) -> SessionEvent:
    """Log a durable event and send it to the session's sockets once the transaction commits."""
    payload = dict(data)
    requires_ack = event in events.ACKNOWLEDGED_EVENTS
    logged = SessionEvent.objects.create(
        session_id=session_id,
        seq=next_seq(session_id),
        event=event,
        data=payload,
        requires_ack=requires_ack,
        ack_key=ack_key_for(event, payload) if requires_ack else "",
    )
    realtime.send_to_session(session_id, event, payload, seq=logged.seq)
    return logged


def events_to_replay(session_id: str, last_seq: int | None) -> QuerySet[SessionEvent]:
    """What a (re)connecting client is owed: every event after ``last_seq``, and every event still
    waiting for its acknowledgement (a fresh client without ``last_seq`` gets only the latter)."""
    unacked = Q(requires_ack=True, acked_at__isnull=True)
    condition = unacked if last_seq is None else (Q(seq__gt=last_seq) | unacked)
    return SessionEvent.objects.filter(condition, session_id=session_id).order_by("seq")


def envelope(logged: SessionEvent) -> dict[str, Any]:
    return {"event": logged.event, "data": logged.data, "seq": logged.seq}


@transaction.atomic
def acknowledge(session_id: str, *, message_pk: int | None = None, version_pk: int | None = None) -> bool:
    """Store a client's acknowledgement; returns whether it matched something. Repeats are harmless.
    A produced text version is marked read by ``apps.executions`` (``signals.versions_read``)."""
    now = timezone.now()
    matched = False
    keys = []
    if message_pk is not None:
        keys.append(f"message:{message_pk}")
        message = Message.objects.filter(pk=message_pk, session_id=session_id).first()
        if message is not None:
            matched = True
            Message.objects.filter(pk=message.pk, read_by_user__isnull=True).update(read_by_user=now)
            version_pk = version_pk or (message.message or {}).get("produced_text_version_pk")
    if version_pk is not None:
        keys.append(f"version:{version_pk}")
        if send_versions_read(session_id, [version_pk], now, report=True):
            matched = True
            Message.objects.filter(
                session_id=session_id, message__produced_text_version_pk=version_pk, read_by_user__isnull=True
            ).update(read_by_user=now)
    if keys:
        acked = SessionEvent.objects.filter(session_id=session_id, ack_key__in=keys, acked_at__isnull=True)
        matched = bool(acked.update(acked_at=now)) or matched
    return matched


def resend_unacked(batch: int = 500) -> int:
    """Re-send acknowledged events still unacknowledged after ``RESEND_AFTER`` (beat sweep).

    A re-send is one channel-layer publish, far cheaper than a Celery task, so the sweeper sends a
    bounded batch itself instead of fanning out one task per event.
    """
    now = timezone.now()
    due = list(
        SessionEvent.objects.filter(
            requires_ack=True, acked_at__isnull=True, last_sent_at__lt=now - RESEND_AFTER, send_count__lt=MAX_SENDS
        ).order_by("last_sent_at")[:batch]
    )
    for logged in due:
        realtime.send_now(realtime.session_group(logged.session_id), logged.event, logged.data, seq=logged.seq)
    if due:
        SessionEvent.objects.filter(pk__in=[e.pk for e in due]).update(send_count=F("send_count") + 1, last_sent_at=now)
        logger.info("re-sent %d unacknowledged event(s)", len(due))
    return len(due)


# --- partial text of a running generation -----------------------------------------------------


def _partial_key(session_id: str) -> str:
    return f"chat:partial:{session_id}"


def publish_token(session_id: str, event: str, data: Mapping[str, Any]) -> None:
    """Send a streamed token event live and keep it as the session's partial text.

    Best-effort: both go through Redis, and a Redis blip must not fail the answer (issue 24). A
    lost token costs a client some live text; the final message is durable in Postgres."""
    payload = dict(data)
    try:
        cache.set(_partial_key(session_id), {"event": event, "data": payload}, PARTIAL_TTL)
        realtime.send_now(realtime.session_group(session_id), event, payload)
    except REDIS_ERRORS as exc:
        logger.warning("token for session %s not published: %s", session_id, exc)


def partial(session_id: str) -> dict[str, Any] | None:
    try:
        value = cache.get(_partial_key(session_id))
    except REDIS_ERRORS as exc:
        logger.warning("partial text of session %s unreadable: %s", session_id, exc)
        return None
    return value if isinstance(value, dict) else None


def clear_partial(session_id: str) -> None:
    """Drop the partial text (best-effort: it expires after ``PARTIAL_TTL`` anyway)."""
    try:
        cache.delete(_partial_key(session_id))
    except REDIS_ERRORS as exc:
        logger.warning("partial text of session %s not cleared: %s", session_id, exc)
