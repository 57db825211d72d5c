"""Request and response shapes of the chat routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from rest_framework import serializers

from apps.chat.models import PlatformName
from apps.core.api.text import MESSAGE_MAX

AUDIO_EXTENSIONS = {".m4a", ".mp3", ".wav", ".webm", ".ogg", ".mp4", ".mpeg", ".mpga"}
MAX_AUDIO_BYTES = 25 * 1024 * 1024  # the Whisper API's limit


class FlagField(serializers.BooleanField):
    """The original sends flags as the strings "true"/"false" in multipart forms."""


class UserMessageSerializer(serializers.Serializer):
    session_id = serializers.CharField(max_length=255)
    message_id = serializers.CharField(max_length=255)
    message_date = serializers.CharField(help_text="device time, ISO 8601")
    message_pk = serializers.IntegerField(required=False, allow_null=True)
    platform = serializers.ChoiceField(choices=PlatformName.choices, default=PlatformName.WEBAPP)
    origin = serializers.ChoiceField(choices=[("task", "task"), ("home_chat", "home_chat")], default="task")
    user_task_execution_pk = serializers.IntegerField(required=False, allow_null=True)
    use_message_placeholder = FlagField(default=False)
    use_draft_placeholder = FlagField(default=False)
    text = serializers.CharField(required=False, allow_blank=False, max_length=MESSAGE_MAX)
    file = serializers.FileField(required=False)
    datetime = serializers.CharField(required=False)
    version = serializers.CharField(required=False)

    def validate_message_date(self, value: str) -> str:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise serializers.ValidationError("must be an ISO 8601 date-time") from None
        return value

    def validate_file(self, upload):  # type: ignore[no-untyped-def]
        if Path(upload.name or "").suffix.lower() not in AUDIO_EXTENSIONS:
            raise serializers.ValidationError(
                f"audio type not accepted (allowed: {', '.join(sorted(AUDIO_EXTENSIONS))})"
            )
        if upload.size > MAX_AUDIO_BYTES:
            raise serializers.ValidationError("audio file too large (max 25 MB)")
        return upload

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("text") and not attrs.get("file"):
            raise serializers.ValidationError({"text": "send either text or an audio file"})
        if attrs.get("origin") == "home_chat":
            raise serializers.ValidationError({"origin": "home chat is not available yet"})
        return attrs


def server_time(message_date: str, timezone_offset: int | None) -> datetime:
    """Device time → aware UTC: an ISO value with an offset is exact; a naive one is local time of a
    user whose ``timezone_offset`` is minutes to subtract from UTC (JS convention)."""
    parsed = datetime.fromisoformat(message_date.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    return (parsed + timedelta(minutes=timezone_offset or 0)).replace(tzinfo=UTC)


class StoredMessageSerializer(serializers.Serializer):
    """The stored JSON of a user message (``message_pk``, ``message_id``, ``text`` …)."""

    message_pk = serializers.IntegerField()
    message_id = serializers.CharField()
    text = serializers.CharField(required=False)
    user_task_execution_pk = serializers.IntegerField(required=False)
