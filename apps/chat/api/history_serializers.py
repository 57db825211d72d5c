"""Request and response shapes of ``/session``, ``GET /message``, ``GET /voice`` and ``/image``."""

from __future__ import annotations

from rest_framework import serializers

from apps.chat.models import PlatformName


class ClientFieldsSerializer(serializers.Serializer):
    datetime = serializers.CharField(required=False, help_text="client time (ignored)")
    version = serializers.CharField(required=False, help_text="client version (ignored)")


class CreateSessionSerializer(ClientFieldsSerializer):
    platform = serializers.ChoiceField(choices=PlatformName.choices)


class CreatedSessionSerializer(serializers.Serializer):
    session_id = serializers.CharField()
    intro_done = serializers.BooleanField(help_text="the user's company is known (onboarding done)")


class SessionListQuerySerializer(ClientFieldsSerializer):
    n_sessions = serializers.IntegerField(required=False, min_value=0, help_text="page size (max 50)")
    offset = serializers.IntegerField(required=False, min_value=0, default=0)


class SessionItemSerializer(serializers.Serializer):
    title = serializers.CharField(allow_null=True)
    session_id = serializers.CharField()


class SessionListSerializer(serializers.Serializer):
    sessions = SessionItemSerializer(many=True)


class SessionIdSerializer(ClientFieldsSerializer):
    session_id = serializers.CharField(max_length=255)


class SessionIdResponseSerializer(serializers.Serializer):
    session_id = serializers.CharField()


class MessageQuerySerializer(ClientFieldsSerializer):
    session_id = serializers.CharField(max_length=255)
    offset_direction = serializers.ChoiceField(
        choices=[("older", "older"), ("newer", "newer")],
        default="older",
        help_text="older: from the newest message backwards; newer: from the oldest forwards",
    )
    n_messages = serializers.IntegerField(required=False, min_value=0, help_text="page size (max 50)")
    offset = serializers.IntegerField(required=False, min_value=0, default=0)
    user_task_execution_pk = serializers.IntegerField(required=False, help_text="only this execution's messages")


class MessageItemSerializer(serializers.Serializer):
    message_pk = serializers.IntegerField()
    sender = serializers.ChoiceField(choices=["mojo", "user", "system"])
    message = serializers.JSONField(help_text="the stored message JSON")
    audio = serializers.BooleanField(help_text="an audio file exists (GET /voice)")
    in_error_state = serializers.BooleanField()


class MessageListSerializer(serializers.Serializer):
    messages = MessageItemSerializer(many=True)


class VoiceQuerySerializer(ClientFieldsSerializer):
    message_pk = serializers.IntegerField()


class ImageQuerySerializer(ClientFieldsSerializer):
    session_id = serializers.CharField(max_length=255)
    filename = serializers.CharField(max_length=255)


class ImageUploadSerializer(ClientFieldsSerializer):
    session_id = serializers.CharField(max_length=255)
    file = serializers.FileField(help_text="a .png, .jpg, .jpeg, .gif or .webp image of at most 10 MB")


class ImageStoredSerializer(serializers.Serializer):
    filename = serializers.CharField(help_text="the stored name: use it as the input value or in GET /image")
