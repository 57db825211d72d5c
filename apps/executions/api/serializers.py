"""Request shapes of the execution routes."""

from __future__ import annotations

from rest_framework import serializers

from apps.chat.models import PlatformName
from apps.core.api.fields import InputsField


class CreateExecutionSerializer(serializers.Serializer):
    user_task_pk = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=PlatformName.choices, default=PlatformName.WEBAPP)
    user_task_execution_fk = serializers.IntegerField(
        required=False, allow_null=True, help_text="the execution this one chains from (predefined action)"
    )
    datetime = serializers.CharField(required=False)
    version = serializers.CharField(required=False)


class CreatedExecutionSerializer(serializers.Serializer):
    user_task_execution_pk = serializers.IntegerField()
    json_input = serializers.JSONField()
    actions = serializers.JSONField()
    text_edit_actions = serializers.JSONField()
    session_id = serializers.CharField()
    intro_done = serializers.BooleanField()


class RunExecutionSerializer(serializers.Serializer):
    user_task_execution_pk = serializers.IntegerField()
    inputs = InputsField()
    platform = serializers.ChoiceField(choices=PlatformName.choices, default=PlatformName.WEBAPP)
    use_message_placeholder = serializers.BooleanField(default=False)
    use_draft_placeholder = serializers.BooleanField(default=False)
    datetime = serializers.CharField(required=False)
    version = serializers.CharField(required=False)


class SuccessSerializer(serializers.Serializer):
    success = serializers.CharField()
