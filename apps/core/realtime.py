"""The one way workers and views push real-time events: channel-layer groups, after commit.

Events are ``{"event": name, "data": payload}`` sent to a group (``session.<id>``, ``user.<id>``,
``echo.<user id>``); consumers forward them to their sockets. Sending happens after the current
transaction commits, so a client never hears of a row it cannot read yet, and a rolled-back
transaction sends nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

FORWARD_HANDLER = "realtime.event"  # consumers implement realtime_event()


def session_group(session_id: str) -> str:
    return f"session.{session_id}"


def user_group(user_id: str) -> str:
    return f"user.{user_id}"


def _message(event: str, data: Mapping[str, Any], seq: int | None) -> dict[str, Any]:
    message: dict[str, Any] = {"type": FORWARD_HANDLER, "event": event, "data": dict(data)}
    if seq is not None:
        message["seq"] = seq
    if getattr(settings, "REALTIME_STRICT_JSON", False):
        # Tests: a payload that is not plain JSON fails here, at the sender, not in a consumer.
        message = json.loads(json.dumps(message))
    return message


def send_now(group: str, event: str, data: Mapping[str, Any], *, seq: int | None = None) -> None:
    """Send immediately (use only outside a transaction, e.g. streamed tokens)."""
    layer = get_channel_layer()
    if layer is None:
        logger.warning("no channel layer configured; dropping %s for %s", event, group)
        return
    async_to_sync(layer.group_send)(group, _message(event, data, seq))


def send_on_commit(group: str, event: str, data: Mapping[str, Any], *, seq: int | None = None) -> None:
    """Send once the current transaction commits (at once when none is open)."""
    message_data = dict(data)
    if getattr(settings, "REALTIME_STRICT_JSON", False):
        json.dumps(message_data)  # fail at the call site for a non-serializable payload
    # robust: a Redis outage after commit is logged, not raised into the committed caller; the
    # event is in the session's log and is replayed or re-sent (docs/realtime.md).
    transaction.on_commit(lambda: send_now(group, event, message_data, seq=seq), robust=True)


def send_to_session(session_id: str, event: str, data: Mapping[str, Any], *, seq: int | None = None) -> None:
    send_on_commit(session_group(session_id), event, data, seq=seq)


def send_to_user(user_id: str, event: str, data: Mapping[str, Any]) -> None:
    send_on_commit(user_group(user_id), event, data)
