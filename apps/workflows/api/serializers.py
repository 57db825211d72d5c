"""Request and response shapes of the workflow routes (the original's parameter names)."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.chat.models import PlatformName


@extend_schema_field(
    {
        "type": "string",
        "description": 'JSON list: [{"input_name": "...", "input_value": "..."}] (a JSON string in multipart forms)',
    }
)
class InputsField(serializers.Field):
    """``inputs``: a JSON string (multipart form) or a list: ``[{input_name, input_value}]``."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError("must be a JSON list of {input_name, input_value}") from None
        if not isinstance(data, list):
            raise serializers.ValidationError("must be a JSON list of {input_name, input_value}")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class StepValidationSerializer(serializers.Serializer):
    user_workflow_step_execution_pk = serializers.IntegerField()
    validated = serializers.BooleanField()
    platform = serializers.ChoiceField(choices=PlatformName.choices, required=False)
    datetime = serializers.CharField(required=False)


class StepRelaunchSerializer(serializers.Serializer):
    user_workflow_step_execution_pk = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=PlatformName.choices, required=False)
    datetime = serializers.CharField(required=False)


class StepResultSerializer(serializers.Serializer):
    user_workflow_step_execution_pk = serializers.IntegerField()
    result = serializers.JSONField(help_text="the new result: a non-empty list of JSON objects")
    datetime = serializers.CharField(required=False)


class RestartSerializer(serializers.Serializer):
    user_task_execution_pk = serializers.IntegerField()
    inputs = InputsField()
    platform = serializers.ChoiceField(choices=PlatformName.choices, required=False)
    datetime = serializers.CharField(required=False)


class SweepSerializer(serializers.Serializer):
    datetime = serializers.CharField(required=False)


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class NewResultSerializer(serializers.Serializer):
    new_result = serializers.JSONField()


class RelaunchedSerializer(serializers.Serializer):
    user_workflow_step_executions_pk = serializers.ListField(child=serializers.IntegerField())
