"""Request shapes of the execution routes."""

from __future__ import annotations

import json

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.chat.models import PlatformName


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


@extend_schema_field(
    {
        "type": "string",
        "description": 'JSON list: [{"input_name": "...", "input_value": "..."}] (a JSON string in multipart forms)',
    }
)
class InputsField(serializers.Field):
    """``inputs``: a JSON string (multipart form) or a list: ``[{input_name, input_value}]``."""

    def to_internal_value(self, data):  # type: ignore[no-untyped-def]
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError("must be a JSON list of {input_name, input_value}") from None
        if not isinstance(data, list):
            raise serializers.ValidationError("must be a JSON list of {input_name, input_value}")
        return data

    def to_representation(self, value):  # type: ignore[no-untyped-def]
        return value


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
