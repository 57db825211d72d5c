"""PUT /text_edit_action (backoffice): create a text-edit action from a prompt file."""

from __future__ import annotations

import pytest

from apps.catalog.models import TextEditAction

from .conftest import DENIED, catalogue_counts

pytestmark = pytest.mark.django_db

BODY = {
    "datetime": "2026-11-24T10:00:00",
    "emoji": "✂️",
    "prompt_file_name": "make_it_shorter.mpt",
    "displayed_data": [
        {"language_code": "en", "name": "Shorter", "description": "Half the length"},
        {"language_code": "fr", "name": "Plus court", "description": "Moitié moins long"},
    ],
}


@pytest.mark.parametrize(("caller", "expected"), [*DENIED.items(), ("staff", 200), ("backoffice", 200)])
def test_it_is_for_admins_only(callers, caller, expected):
    before = catalogue_counts()

    response = callers[caller].put("/text_edit_action", BODY, format="json")

    assert response.status_code == expected
    assert TextEditAction.objects.count() == (1 if expected == 200 else 0)
    if expected != 200:
        assert catalogue_counts() == before


def test_it_creates_the_action_with_its_displayed_data(staff_client):
    response = staff_client.put("/text_edit_action", BODY, format="json")

    action = TextEditAction.objects.get()
    assert response.json() == {"text_edit_action_pk": action.pk}
    assert (action.emoji, action.prompt_file_name) == ("✂️", "make_it_shorter.mpt")
    assert list(action.displayed_data.values_list("language_code", "name", "description")) == [
        ("en", "Shorter", "Half the length"),
        ("fr", "Plus court", "Moitié moins long"),
    ]


def test_it_accepts_the_prompt_name_without_suffix(staff_client):
    response = staff_client.put("/text_edit_action", BODY | {"prompt_file_name": "just_memo"}, format="json")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            {"prompt_file_name": "no_such_prompt.mpt"},
            "prompt_file_name: no such prompt in prompts/text_edit_actions/ "
            "(formal_to_informal.mpt, just_memo.mpt, make_it_shorter.mpt, more_creative.mpt)",
        ),
        ({"prompt_file_name": "../chat/task_run.mpt"}, "prompt_file_name: no such prompt"),
        ({"displayed_data": []}, "displayed_data: This list may not be empty."),
        ({"displayed_data": [{"language_code": "en", "name": "Shorter"}]}, "displayed_data[0].description: required"),
        ({"emoji": None}, "emoji: may not be null"),
    ],
)
def test_it_answers_400_naming_the_field_and_stores_nothing(staff_client, change, error):
    before = catalogue_counts()

    response = staff_client.put("/text_edit_action", BODY | change, format="json")

    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    assert catalogue_counts() == before
