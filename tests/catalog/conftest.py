"""Definitions shared by the catalogue tests."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from apps.catalog.bundled import TASK_DEFINITIONS_DIR

INSTRUCT: dict[str, Any] = {
    "datetime": "2026-11-24T10:00:00",
    "task_type": "instruct",
    "platforms": ["webapp"],
    "name_for_system": "answer_to_prospect",
    "definition_for_system": "The user needs to answer a prospect's e-mail",
    "icon": "📨",
    "output_type": "Email ",
    "final_instruction": "Write the answer",
    "output_format_instruction_title": "SUBJECT",
    "output_format_instruction_draft": "BODY",
    "infos_to_extract": [{"info_name": "prospect_email", "description": "the prospect's e-mail"}],
    "task_displayed_data": [
        {
            "language_code": "en",
            "name_for_user": "Answer a prospect",
            "definition_for_user": "Draft your answer to a prospect",
            "json_input": [
                {
                    "input_name": "prospect_email",
                    "description_for_user": "The prospect's e-mail",
                    "description_for_system": "E-mail received from the prospect",
                    "placeholder": "Paste it here",
                    "type": "text_area",
                }
            ],
        },
        {
            "language_code": "fr",
            "name_for_user": "Répondre à un prospect",
            "definition_for_user": "Rédigez votre réponse à un prospect",
            "json_input": [
                {
                    "input_name": "email_du_prospect",
                    "description_for_user": "L'e-mail du prospect",
                    "description_for_system": "E-mail reçu du prospect",
                    "type": "text_area",
                }
            ],
        },
    ],
}

WORKFLOW: dict[str, Any] = {
    "task_type": "workflow",
    "platforms": ["webapp", "mobile"],
    "name_for_system": "write_story",
    "definition_for_system": "The user wants a story written chapter by chapter",
    "icon": "📚",
    "output_type": "story",
    "result_chat_enabled": False,
    "task_displayed_data": [
        {
            "language_code": "en",
            "name_for_user": "Write a story",
            "definition_for_user": "A story in chapters",
            "json_input": [
                {
                    "input_name": "story_topic",
                    "description_for_user": "Topic",
                    "description_for_system": "Topic of the story",
                    "type": "text_area",
                }
            ],
        }
    ],
    "steps": [
        {
            "name_for_system": "stanza_divider",
            "definition_for_system": "Plan the chapters",
            "rank": 7,
            "step_displayed_data": [
                {"language_code": "en", "name_for_user": "Plan", "definition_for_user": "Plan the chapters"}
            ],
        },
        {
            "name_for_system": "stanza_writer",
            "definition_for_system": "Write one chapter",
            "review_chat_enabled": True,
            "user_validation_required": False,
            "step_displayed_data": [
                {"language_code": "en", "name_for_user": "Write", "definition_for_user": "Write a chapter"},
                {"language_code": "fr", "name_for_user": "Écrire", "definition_for_user": "Écrire un chapitre"},
            ],
        },
    ],
}


@pytest.fixture
def instruct_definition() -> dict[str, Any]:
    return copy.deepcopy(INSTRUCT)


@pytest.fixture
def workflow_definition() -> dict[str, Any]:
    return copy.deepcopy(WORKFLOW)


def bundled_definition(name: str) -> dict[str, Any]:
    return json.loads((TASK_DEFINITIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def catalogue_counts() -> dict[str, int]:
    """Row count of every catalogue table, to assert that a refused change stored nothing."""
    from django.apps import apps

    return {
        model._meta.db_table: model._default_manager.count() for model in apps.get_app_config("catalog").get_models()
    }


BACKOFFICE_SECRET = "backoffice-secret-for-tests"


@pytest.fixture
def backoffice_client(settings):
    from rest_framework.test import APIClient

    settings.ADMIN_SECRET = BACKOFFICE_SECRET
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=BACKOFFICE_SECRET)
    return client


@pytest.fixture
def staff_client(db):
    """A Django staff member who is not a superuser, with a token like any client."""
    from apps.accounts.models import User
    from tests.conftest import client_for

    return client_for(User.objects.create_user("staff@example.com", "staff-password-1", is_staff=True))


@pytest.fixture
def callers(anonymous, owner_client, staff_client, backoffice_client):
    """(client, expected status when allowed) per kind of caller."""
    return {"anonymous": anonymous, "user": owner_client, "staff": staff_client, "backoffice": backoffice_client}


DENIED = {"anonymous": 401, "user": 403}
