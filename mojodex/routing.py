"""WebSocket URL map."""

from django.urls import path

from apps.chat.consumers import SessionConsumer
from apps.core.consumers import EchoConsumer

websocket_urlpatterns = [
    path("ws/echo/", EchoConsumer.as_asgi()),
    path("ws/session/<str:session_id>/", SessionConsumer.as_asgi()),
]
