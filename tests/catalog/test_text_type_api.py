"""/text_type (backoffice): create, list (paged), link a text-edit action."""

from __future__ import annotations

import pytest

from apps.catalog.models import TextEditAction, TextEditActionTextTypeAssociation, TextType

from .conftest import DENIED, catalogue_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(db) -> TextEditAction:
    return TextEditAction.objects.create(emoji="✂️", prompt_file_name="make_it_shorter.mpt")


@pytest.mark.parametrize("caller", ["anonymous", "user"])
def test_it_refuses_callers_who_are_not_admins_and_stores_nothing(callers, caller, action):
    client = callers[caller]
    before = catalogue_counts()

    responses = [
        client.put("/text_type", {"text_type_name": "tweet"}, format="json"),
        client.get("/text_type"),
        client.post("/text_type", {"text_type_pk": 1, "text_edit_action_pk": action.pk}, format="json"),
    ]

    assert [r.status_code for r in responses] == [DENIED[caller]] * 3
    assert catalogue_counts() == before


@pytest.mark.parametrize("caller", ["staff", "backoffice"])
def test_it_lets_staff_and_the_backoffice_secret_in(callers, caller, action):
    client = callers[caller]

    created = client.put("/text_type", {"timestamp": "2026-11-24T10:00:00", "text_type_name": "tweet"}, format="json")
    listed = client.get("/text_type", {"datetime": "2026-11-24T10:00:00"})
    linked = client.post(
        "/text_type", {"text_type_pk": created.json()["text_type_pk"], "text_edit_action_pk": action.pk}, format="json"
    )

    assert [r.status_code for r in (created, listed, linked)] == [200, 200, 200]


def test_it_creates_a_text_type_with_a_lower_case_name(staff_client):
    response = staff_client.put("/text_type", {"text_type_name": " Tweet "}, format="json")

    text_type = TextType.objects.get(name="tweet")
    assert response.json() == {"text_type_pk": text_type.pk}


def test_it_answers_409_for_an_existing_name(staff_client):
    response = staff_client.put("/text_type", {"text_type_name": "Email"}, format="json")

    assert response.status_code == 409
    assert response.json() == {"error": 'text type "email" already exists'}
    assert TextType.objects.count() == 4


@pytest.mark.parametrize(
    ("body", "error"),
    [({}, "text_type_name: required"), ({"text_type_name": "  "}, "text_type_name: may not be blank")],
)
def test_it_answers_400_for_a_missing_or_blank_name(staff_client, body, error):
    response = staff_client.put("/text_type", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == error
    assert TextType.objects.count() == 4


def test_it_lists_text_types_by_pk_with_paging(staff_client):
    first = staff_client.get("/text_type").json()
    page = staff_client.get("/text_type", {"n_text_types": 2, "offset": 1}).json()

    assert first == {
        "text_types": [
            {"text_type_pk": 1, "name": "meeting_minutes"},
            {"text_type_pk": 2, "name": "email"},
            {"text_type_pk": 3, "name": "document"},
            {"text_type_pk": 4, "name": "poem"},
        ]
    }
    assert page == {"text_types": [{"text_type_pk": 2, "name": "email"}, {"text_type_pk": 3, "name": "document"}]}


def test_it_answers_400_for_a_bad_page_parameter(staff_client):
    response = staff_client.get("/text_type", {"n_text_types": "many"})

    assert (response.status_code, response.json()["error"]) == (400, "n_text_types: must be an integer")


def test_it_links_a_text_edit_action_to_a_text_type(staff_client, action):
    response = staff_client.post("/text_type", {"text_type_pk": 2, "text_edit_action_pk": action.pk}, format="json")

    association = TextEditActionTextTypeAssociation.objects.get()
    assert response.json() == {"text_edit_action_text_type_association_pk": association.pk}
    assert (association.text_type_id, association.text_edit_action_id) == (2, action.pk)


def test_it_answers_409_when_already_linked(staff_client, action):
    body = {"text_type_pk": 2, "text_edit_action_pk": action.pk}
    staff_client.post("/text_type", body, format="json")

    response = staff_client.post("/text_type", body, format="json")

    assert response.status_code == 409
    assert response.json() == {"error": f"text edit action {action.pk} is already linked to text type 2"}
    assert TextEditActionTextTypeAssociation.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"text_edit_action_pk": "action"}, "text_type_pk: required"),
        ({"text_type_pk": 99, "text_edit_action_pk": "action"}, "text_type_pk: not found"),
        ({"text_type_pk": 2, "text_edit_action_pk": 999}, "text_edit_action_pk: not found"),
    ],
)
def test_it_answers_400_for_a_missing_link_end(staff_client, action, body, error):
    body = {key: action.pk if value == "action" else value for key, value in body.items()}

    response = staff_client.post("/text_type", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == error
    assert TextEditActionTextTypeAssociation.objects.count() == 0
