"""Serializer fields shared by the apps' APIs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.parsers import UnsafeJSON, loads
from apps.core.api.text import INPUT_VALUE_MAX


@extend_schema_field(
    {
        "type": "string",
        "description": 'JSON list: [{"input_name": "...", "input_value": "..."}] (a JSON string in multipart forms)',
    }
)
class InputsField(serializers.Field):
    """A task's form values, ``[{input_name, input_value}]``: a JSON string (multipart) or a list."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if isinstance(data, str):
            try:
                data = loads(data)
            except UnsafeJSON as error:
                raise serializers.ValidationError(str(error)) from None
            except ValueError:
                raise serializers.ValidationError("must be a JSON list of {input_name, input_value}") from None
        if not isinstance(data, list):
            raise serializers.ValidationError("must be a JSON list of {input_name, input_value}")
        for item in data:
            value = item.get("input_value") if isinstance(item, dict) else None
            if isinstance(value, str) and len(value) > INPUT_VALUE_MAX:
                raise serializers.ValidationError(f"input_value: at most {INPUT_VALUE_MAX} characters")
        return data

    def to_representation(self, value: Any) -> Any:
        return value
