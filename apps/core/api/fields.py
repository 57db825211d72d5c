"""Serializer fields shared by the apps' APIs."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


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
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError("must be a JSON list of {input_name, input_value}") from None
        if not isinstance(data, list):
            raise serializers.ValidationError("must be a JSON list of {input_name, input_value}")
        return data

    def to_representation(self, value: Any) -> Any:
        return value
