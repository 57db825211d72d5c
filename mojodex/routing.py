"""WebSocket URL map. Session ids are the original's 32-hex ids (any id a channel group name can
hold is let through); every other path, a malformed id included, is closed with 4404 instead of
an HTTP 500 from an unrouted path."""

from django.urls import path, re_path

from apps.chat.consumers import SessionConsumer
from apps.core.consumers import EchoConsumer, NotFoundConsumer

websocket_urlpatterns = [
    path("ws/echo/", EchoConsumer.as_asgi()),
    re_path(r"^ws/session/(?P<session_id>[A-Za-z0-9_.-]{1,64})/$", SessionConsumer.as_asgi()),
    re_path(r"", NotFoundConsumer.as_asgi()),
]
