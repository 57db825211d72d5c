"""Request and response shapes of the workflow routes (the original's parameter names)."""

from __future__ import annotations

from rest_framework import serializers

from apps.chat.models import PlatformName
from apps.core.api.fields import InputsField


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
