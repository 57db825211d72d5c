"""Validation of a task's JSON definition: the body of ``PUT /task``, the files ``import_task`` loads
and the drafts ``POST /task_json`` generates (``reference/workflows.md`` §7).

DRF serializers check the shape; ``InvalidTaskDefinition.errors`` maps the path of each bad value
(``task_displayed_data[0].json_input``) to one message (``required``), so every caller can name the
field. Departures from the original schema, on purpose:

- ``datetime`` is accepted and ignored, but not required: definition files need no clock.
- ``name_for_system`` may contain ``-``: the original's own seed task ``follow-up_email`` does.
- A predefined action names its target by ``task_pk`` (the original) or by ``task_name_for_system``
  (portable between databases; used by the definition files and the admin export).
- ``drop_down_list`` inputs must list their ``possible_values`` (the run route checks against them).
- Languages must be unique per list, and lengths fit the columns (a 400, never a database error).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from apps.catalog.models import TaskType
from apps.core.errors import Invalid

NAME_FOR_SYSTEM = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
INPUT_TYPES = ("text_area", "image", "drop_down_list", "multiple_images", "audio_file", "video")
INSTRUCT_FIELDS = (
    "final_instruction",
    "output_format_instruction_title",
    "output_format_instruction_draft",
    "infos_to_extract",
)


class InvalidTaskDefinition(Invalid):
    """A definition that cannot be stored; ``errors`` maps each bad field's path to a message (the
    API answers 400 with them as ``fields``)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{path}: {text}" for path, text in self.errors.items()))
        self.fields = self.errors

    def prefixed(self, prefix: str) -> InvalidTaskDefinition:
        return InvalidTaskDefinition({f"{prefix}{path}": text for path, text in self.errors.items()})


def _message(detail: ErrorDetail | str) -> str:
    code = getattr(detail, "code", None)
    if code == "required":
        return "required"
    if code == "null":
        return "may not be null"
    if code == "blank":
        return "may not be blank"
    return str(detail)


def flatten_errors(detail: Any, path: str = "") -> dict[str, str]:
    """DRF's nested error structure as ``{"a[0].b": "message"}`` (the first message per field)."""
    flat: dict[str, str] = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                child = path
            elif isinstance(key, int):
                child = f"{path}[{key}]"
            elif not path or str(key).startswith("["):
                child = f"{path}{key}"
            else:
                child = f"{path}.{key}"
            for inner_path, text in flatten_errors(value, child).items():
                flat.setdefault(inner_path, text)
    elif isinstance(detail, list):
        if detail and all(isinstance(item, str) for item in detail):
            flat[path or "body"] = _message(detail[0])
        else:
            for index, item in enumerate(detail):
                flat.update(flatten_errors(item, f"{path}[{index}]"))
    elif detail:
        flat[path or "body"] = _message(detail)
    return flat


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not declare (the original schema's ``additionalProperties: false``)."""

    tolerated: tuple[str, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = [key for key in data if key not in self.fields and key not in self.tolerated]
            if unknown:
                raise serializers.ValidationError({key: "unknown field" for key in unknown})
        return super().to_internal_value(data)


def unique_languages(items: Iterable[Mapping[str, Any]]) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        code = item["language_code"]
        if code in seen:
            raise serializers.ValidationError({f"[{index}].language_code": f'"{code}" is given twice'})
        seen.add(code)


class LanguageCodeField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_length=2, max_length=2, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        return str(super().to_internal_value(data)).lower()


class DefinitionPossibleValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    displayed_text = serializers.CharField(required=False)


class DefinitionJsonInputSerializer(serializers.Serializer):
    """One form input. Keys beyond the declared ones (``placeholder``…) are kept as given."""

    input_name = serializers.CharField(max_length=255)
    description_for_user = serializers.CharField(allow_blank=True)
    description_for_system = serializers.CharField(allow_blank=True)
    type = serializers.ChoiceField(choices=INPUT_TYPES)
    placeholder = serializers.CharField(required=False, allow_blank=True)
    possible_values = DefinitionPossibleValueSerializer(many=True, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["type"] == "drop_down_list" and not attrs.get("possible_values"):
            raise serializers.ValidationError({"possible_values": "required for a drop_down_list input"})
        return attrs

    def to_internal_value(self, data: Any) -> Any:
        super().to_internal_value(data)  # validates; the stored input keeps every key it came with
        return dict(data)


class DefinitionTaskDisplayedDataSerializer(StrictSerializer):
    language_code = LanguageCodeField()
    name_for_user = serializers.CharField(max_length=255)
    definition_for_user = serializers.CharField()
    json_input = DefinitionJsonInputSerializer(many=True, allow_empty=True)

    def validate_json_input(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names = [item["input_name"] for item in value]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise serializers.ValidationError(f"input_name given twice: {', '.join(duplicates)}")
        return value


class DefinitionInfoToExtractSerializer(serializers.Serializer):
    info_name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)


class DefinitionPredefinedActionDataSerializer(serializers.Serializer):
    name = serializers.CharField()
    button_text = serializers.CharField(required=False, allow_blank=True)
    message_prefix = serializers.CharField(required=False, allow_blank=True)

    def to_internal_value(self, data: Any) -> Any:
        super().to_internal_value(data)
        return dict(data)


class DefinitionPredefinedActionDisplayedDataSerializer(StrictSerializer):
    language_code = LanguageCodeField()
    data = DefinitionPredefinedActionDataSerializer()  # type: ignore[assignment]  # the JSON key; DRF pops it from the class


class DefinitionPredefinedActionSerializer(StrictSerializer):
    task_pk = serializers.IntegerField(required=False, help_text="pk of the task the action launches")
    task_name_for_system = serializers.CharField(
        required=False, help_text="name_for_system of the task the action launches (instead of task_pk)"
    )
    displayed_data = DefinitionPredefinedActionDisplayedDataSerializer(many=True)

    def validate_displayed_data(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        unique_languages(value)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("task_pk") is None and not attrs.get("task_name_for_system"):
            raise serializers.ValidationError({"task_pk": "required (or task_name_for_system)"})
        return attrs


class DefinitionStepDisplayedDataSerializer(StrictSerializer):
    language_code = LanguageCodeField()
    name_for_user = serializers.CharField(max_length=255)
    definition_for_user = serializers.CharField()


class DefinitionStepSerializer(StrictSerializer):
    tolerated = ("rank", "step_pk")

    name_for_system = serializers.CharField(max_length=255)
    definition_for_system = serializers.CharField(max_length=255)
    review_chat_enabled = serializers.BooleanField(default=False)
    user_validation_required = serializers.BooleanField(default=True)
    step_displayed_data = DefinitionStepDisplayedDataSerializer(many=True)

    def validate_step_displayed_data(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        unique_languages(value)
        return value


class TaskDefinitionSerializer(StrictSerializer):
    """The whole definition (``PUT /task``)."""

    datetime = serializers.CharField(required=False, help_text="client time; ignored")
    task_type = serializers.ChoiceField(choices=TaskType.values)
    platforms = serializers.ListField(child=serializers.CharField(), allow_empty=True)
    name_for_system = serializers.CharField(max_length=255)
    definition_for_system = serializers.CharField()
    icon = serializers.CharField(max_length=255)
    output_type = serializers.CharField(max_length=255)
    task_displayed_data = DefinitionTaskDisplayedDataSerializer(many=True, allow_empty=False)
    final_instruction = serializers.CharField(required=False)
    output_format_instruction_title = serializers.CharField(required=False, max_length=255)
    output_format_instruction_draft = serializers.CharField(required=False, max_length=255)
    infos_to_extract = DefinitionInfoToExtractSerializer(many=True, required=False, allow_empty=True)
    predefined_actions = DefinitionPredefinedActionSerializer(many=True, required=False)
    result_chat_enabled = serializers.BooleanField(default=True)
    visible_for_teasing = serializers.BooleanField(default=False, help_text="not in the original schema")
    steps = DefinitionStepSerializer(many=True, required=False, allow_empty=False)

    def validate_name_for_system(self, value: str) -> str:
        if not NAME_FOR_SYSTEM.match(value):
            raise serializers.ValidationError("lower-case letters, digits, '_' and '-' only (e.g. answer_to_prospect)")
        return value

    def validate_output_type(self, value: str) -> str:
        value = value.strip().lower()
        if not value:
            raise serializers.ValidationError("may not be blank")
        return value

    def validate_task_displayed_data(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        unique_languages(value)
        return value

    def validate_platforms(self, value: list[str]) -> list[str]:
        duplicates = sorted({name for name in value if value.count(name) > 1})
        if duplicates:
            raise serializers.ValidationError(f"given twice: {', '.join(duplicates)}")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        if attrs["task_type"] == TaskType.INSTRUCT:
            errors.update({name: "required for an instruct task" for name in INSTRUCT_FIELDS if name not in attrs})
            if "steps" in attrs:
                errors["steps"] = "only a workflow task has steps"
        else:
            if "steps" not in attrs:
                errors["steps"] = "required for a workflow task"
            errors.update({name: "only an instruct task has this field" for name in INSTRUCT_FIELDS if name in attrs})
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TaskEditSerializer(StrictSerializer):
    """``POST /task``: the task and any of the editable fields (steps are not editable)."""

    datetime = serializers.CharField(required=False, help_text="client time; ignored")
    task_pk = serializers.IntegerField()
    platforms = serializers.ListField(child=serializers.CharField(), required=False, allow_empty=True)
    task_displayed_data = DefinitionTaskDisplayedDataSerializer(many=True, required=False, allow_empty=True)
    predefined_actions = DefinitionPredefinedActionSerializer(many=True, required=False, allow_empty=True)
    name_for_system = serializers.CharField(required=False, max_length=255)
    definition_for_system = serializers.CharField(required=False)
    final_instruction = serializers.CharField(required=False)
    output_format_instruction_title = serializers.CharField(required=False, max_length=255)
    output_format_instruction_draft = serializers.CharField(required=False, max_length=255)
    infos_to_extract = DefinitionInfoToExtractSerializer(many=True, required=False, allow_empty=True)
    icon = serializers.CharField(required=False, max_length=255)
    output_type = serializers.CharField(required=False, max_length=255)
    result_chat_enabled = serializers.BooleanField(required=False)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping) and "steps" in data:
            raise serializers.ValidationError({"steps": "steps cannot be edited; delete and create the task again"})
        return super().to_internal_value(data)

    validate_name_for_system = TaskDefinitionSerializer.validate_name_for_system
    validate_output_type = TaskDefinitionSerializer.validate_output_type
    validate_task_displayed_data = TaskDefinitionSerializer.validate_task_displayed_data
    validate_platforms = TaskDefinitionSerializer.validate_platforms


def run_serializer(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """Validated data, or ``InvalidTaskDefinition`` naming each bad field."""
    if not isinstance(data, Mapping):
        raise InvalidTaskDefinition({"body": "must be a JSON object"})
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise InvalidTaskDefinition(flatten_errors(serializer.errors))
    return dict(serializer.validated_data)
