"""Request and response shapes of the task catalogue routes (admin only)."""

from __future__ import annotations

from rest_framework import serializers

from apps.catalog.definition import (
    LanguageCodeField,
    StrictSerializer,
    TaskDefinitionSerializer,
    TaskEditSerializer,
    unique_languages,
)

__all__ = ["TaskDefinitionSerializer", "TaskEditSerializer"]


class TaskPkQuerySerializer(serializers.Serializer):
    task_pk = serializers.IntegerField()
    datetime = serializers.CharField(required=False, help_text="client time; ignored")


class TaskPkSerializer(serializers.Serializer):
    task_pk = serializers.IntegerField()


class TaskJsonSerializer(serializers.Serializer):
    """``GET /task``: the original's task JSON (instruct fields or steps, by type)."""

    task_pk = serializers.IntegerField()
    task_type = serializers.CharField()
    platforms = serializers.ListField(child=serializers.CharField())
    predefined_actions = serializers.JSONField(help_text="[{task_pk, displayed_data: [{language_code, data}]}]")
    task_displayed_data = serializers.JSONField(
        help_text="[{language_code, name_for_user, definition_for_user, json_input}]"
    )
    name_for_system = serializers.CharField()
    definition_for_system = serializers.CharField()
    output_type = serializers.CharField(allow_null=True)
    icon = serializers.CharField(allow_null=True)
    result_chat_enabled = serializers.BooleanField()
    final_instruction = serializers.CharField(required=False, allow_null=True, help_text="instruct tasks")
    output_format_instruction_title = serializers.CharField(required=False, allow_null=True, help_text="instruct")
    output_format_instruction_draft = serializers.CharField(required=False, allow_null=True, help_text="instruct")
    infos_to_extract = serializers.JSONField(required=False, help_text="instruct tasks")
    steps = serializers.JSONField(
        required=False,
        help_text="workflows: [{step_pk, name_for_system, definition_for_system, rank, review_chat_enabled, "
        "user_validation_required, step_displayed_data}]",
    )


class TextTypeCreateSerializer(StrictSerializer):
    text_type_name = serializers.CharField(max_length=255)
    timestamp = serializers.CharField(required=False, help_text="client time (the original's name); ignored")
    datetime = serializers.CharField(required=False, help_text="client time; ignored")


class TextTypePkSerializer(serializers.Serializer):
    text_type_pk = serializers.IntegerField()


class TextTypeListQuerySerializer(serializers.Serializer):
    n_text_types = serializers.IntegerField(required=False, min_value=0, help_text="page size (at most 50)")
    offset = serializers.IntegerField(required=False, min_value=0)
    datetime = serializers.CharField(required=False, help_text="client time; ignored")


class TextTypeSerializer(serializers.Serializer):
    text_type_pk = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class TextTypeListSerializer(serializers.Serializer):
    text_types = TextTypeSerializer(many=True)


class TextTypeLinkSerializer(StrictSerializer):
    text_type_pk = serializers.IntegerField()
    text_edit_action_pk = serializers.IntegerField()
    datetime = serializers.CharField(required=False, help_text="client time; ignored")


class TextTypeLinkedSerializer(serializers.Serializer):
    text_edit_action_text_type_association_pk = serializers.IntegerField()


class NewTextEditActionDisplayedDataSerializer(StrictSerializer):
    language_code = LanguageCodeField()
    name = serializers.CharField(max_length=255)
    description = serializers.CharField(max_length=255)


class TextEditActionCreateSerializer(StrictSerializer):
    emoji = serializers.CharField(max_length=255)
    prompt_file_name = serializers.CharField(
        max_length=255, help_text="a file of prompts/text_edit_actions/ (e.g. make_it_shorter.mpt)"
    )
    displayed_data = NewTextEditActionDisplayedDataSerializer(many=True, allow_empty=False)
    datetime = serializers.CharField(required=False, help_text="client time; ignored")

    def validate_displayed_data(self, value: list[dict[str, str]]) -> list[dict[str, str]]:
        unique_languages(value)
        return value


class TextEditActionPkSerializer(serializers.Serializer):
    text_edit_action_pk = serializers.IntegerField()


class TaskJsonCreateSerializer(StrictSerializer):
    task_requirements = serializers.CharField(help_text="what the task should do, in free text")
    datetime = serializers.CharField(required=False, help_text="client time; ignored")


class TaskJsonQuerySerializer(serializers.Serializer):
    task_json_pk = serializers.IntegerField()
    datetime = serializers.CharField(required=False, help_text="client time; ignored")


class TaskJsonRequestSerializer(serializers.Serializer):
    task_json_pk = serializers.IntegerField(source="pk")
    status = serializers.CharField(help_text="pending, running, done or failed")
    task_requirements = serializers.CharField()
    task_json = serializers.JSONField(
        source="result", allow_null=True, help_text="the generated definition (a PUT /task body), once generated"
    )
    error = serializers.CharField(allow_null=True)
    creation_date = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


PLATFORM_CHOICES = [(name, name) for name in ("chrome", "webapp", "outlook", "mobile")]


class TextEditActionRunSerializer(serializers.Serializer):
    produced_text_version_pk = serializers.IntegerField()
    text_edit_action_pk = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=PLATFORM_CHOICES, default="webapp")
    message_pk = serializers.IntegerField(required=False, allow_null=True, help_text="retry of a known run")
    datetime = serializers.CharField(required=False)
    version = serializers.CharField(required=False)
