"""The catalogue routes are documented by drf-spectacular, and the schema is valid OpenAPI."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ROUTES = {
    "/task": {"put", "post", "get", "delete"},
    "/task_json": {"post", "get"},
    "/text_type": {"put", "get", "post"},
    "/text_edit_action": {"put", "post"},  # POST: users run an action
}


def test_the_catalogue_schema_validates_without_a_warning(tmp_path):
    """``--fail-on-warn`` on the catalogue's own routes (other apps' warnings are theirs)."""
    target = tmp_path / "catalog.yaml"

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--urlconf", "apps.catalog.api.urls", "--file", str(target)
    )

    paths = yaml.safe_load(target.read_text())["paths"]
    assert {path: set(methods) - {"parameters"} for path, methods in paths.items()} == ROUTES


def test_the_whole_schema_validates_and_documents_the_catalogue_routes(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--file", str(target), stderr=io.StringIO())

    schema = yaml.safe_load(target.read_text())
    for path, methods in ROUTES.items():
        assert methods <= set(schema["paths"][path]), path
    put_task = schema["paths"]["/task"]["put"]
    assert set(put_task["responses"]) == {"200", "400", "401", "403", "409"}
    body = put_task["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][body]["required"]) == {
        "task_type",
        "platforms",
        "name_for_system",
        "definition_for_system",
        "icon",
        "output_type",
        "task_displayed_data",
    }
