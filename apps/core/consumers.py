"""A minimal authenticated WebSocket: proves routing, auth and the channel layer end to end.

``/ws/echo/``: a client sends ``{"event": "echo", "data": {"text": ...}}`` and receives the same
text back *through the channel layer* (group ``echo.<user id>``), so every tab of the user sees
it; ``{"event": "ping"}`` answers ``pong``. Anonymous sockets are closed with 4401.
"""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.core.api.parsers import loads
from apps.core.events import EchoData

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


class NotFoundConsumer(AsyncJsonWebsocketConsumer):
    """Any unrouted WebSocket path (or malformed session id): a clean 4404 close, not an HTTP 500."""

    async def connect(self) -> None:
        await self.accept()
        await self.close(code=CLOSE_NOT_FOUND)


class AuthenticatedConsumer(AsyncJsonWebsocketConsumer):
    """Base: refuse anonymous sockets; forward ``realtime.event`` group messages to the client."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.send_json({"event": "error", "data": {"error": self.scope.get("auth_error") or "Missing token"}})
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.accept()
        await self.on_authenticated()

    async def on_authenticated(self) -> None:
        """Join groups here."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        """Frames that are not JSON, or JSON too deep to walk, are answered with an error event
        (they closed the socket with 1011 before)."""
        if text_data is None:
            await self.send_json({"event": "error", "data": {"error": "expected a JSON text frame"}})
            return
        try:
            content = loads(text_data)
        except ValueError as error:
            await self.send_json({"event": "error", "data": {"error": f"invalid JSON ({error})"}})
            return
        await self.receive_json(content, **kwargs)

    async def realtime_event(self, message: dict[str, Any]) -> None:
        envelope = {"event": message["event"], "data": message["data"]}
        if "seq" in message:
            envelope["seq"] = message["seq"]
        await self.send_json(envelope)


class EchoConsumer(AuthenticatedConsumer):
    async def on_authenticated(self) -> None:
        self.group = f"echo.{self.scope['user'].pk}"
        await self.channel_layer.group_add(self.group, self.channel_name)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self.send_json({"event": "error", "data": {"error": "expected a JSON object"}})
            return
        event = content.get("event")
        if event == "ping":
            await self.send_json({"event": "pong", "data": {}})
        elif event == "echo":
            text = (content.get("data") or {}).get("text")
            if not isinstance(text, str):
                await self.send_json({"event": "error", "data": {"error": "data.text must be a string"}})
                return
            data: EchoData = {"text": text, "user_id": self.scope["user"].pk}
            await self.channel_layer.group_send(self.group, {"type": "realtime.event", "event": "echo", "data": data})
        else:
            await self.send_json({"event": "error", "data": {"error": f"unknown event {event!r}"}})
