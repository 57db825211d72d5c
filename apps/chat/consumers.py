"""``/ws/session/<session_id>/``: a session's events for its owner, with replay and acks.

Connect with ``?token=<jwt>`` (or an Authorization header) and optionally ``&last_seq=<n>``, the
highest ``seq`` the client has seen. On connect the consumer joins the session group, then sends
what the client is owed from the event log (everything after ``last_seq`` and every message still
unacknowledged), then the partial text of a generation in progress; live events follow. Durable
events carry ``seq``; a client ignores a ``seq`` it has already processed.

Client → server: ``{"event": "ack", "data": {"message_pk": n}}`` (or ``{"produced_text_version_pk": n}``
for a draft) — stored in the database; ``{"event": "ping"}`` → ``pong``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from apps.chat import delivery, events
from apps.chat.models import Session
from apps.core import realtime
from apps.core.consumers import CLOSE_FORBIDDEN, AuthenticatedConsumer


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SessionConsumer(AuthenticatedConsumer):
    async def on_authenticated(self) -> None:
        self.session_id = self.scope["url_route"]["kwargs"]["session_id"]
        self.replayed: set[int] = set()
        owned = await database_sync_to_async(
            Session.objects.filter(pk=self.session_id, user=self.scope["user"], deleted_by_user=False).exists
        )()
        if not owned:
            await self.send_json({"event": events.ERROR, "data": events.error("Session not found", self.session_id)})
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = realtime.session_group(self.session_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        query = parse_qs(self.scope.get("query_string", b"").decode())
        last_seq = _int_or_none((query.get("last_seq") or [None])[0])
        await self._replay(last_seq)

    async def _replay(self, last_seq: int | None) -> None:
        owed = await database_sync_to_async(
            lambda: [delivery.envelope(e) for e in delivery.events_to_replay(self.session_id, last_seq)]
        )()
        for message in owed:
            self.replayed.add(message["seq"])
            await self.send_json(message)
        partial = await database_sync_to_async(delivery.partial)(self.session_id)
        if partial is not None:
            await self.send_json(partial)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def realtime_event(self, message: dict[str, Any]) -> None:
        seq = message.get("seq")
        if seq is not None and seq in self.replayed:
            self.replayed.discard(seq)  # already sent from the log during the replay
            return
        await super().realtime_event(message)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self.send_json({"event": "error", "data": {"error": "expected a JSON object"}})
            return
        event = content.get("event")
        raw_data = content.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        if event == "ping":
            await self.send_json({"event": "pong", "data": {}})
        elif event == "ack":
            message_pk = _int_or_none(data.get("message_pk"))
            version_pk = _int_or_none(data.get("produced_text_version_pk"))
            if message_pk is None and version_pk is None:
                await self.send_json(
                    {"event": "error", "data": {"error": "ack needs message_pk or produced_text_version_pk"}}
                )
                return
            await database_sync_to_async(delivery.acknowledge)(
                self.session_id, message_pk=message_pk, version_pk=version_pk
            )
        else:
            await self.send_json({"event": "error", "data": {"error": f"unknown event {event!r}"}})
