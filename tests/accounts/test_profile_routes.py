"""The signed-in user's settings: terms, onboarding, language, timezone, goal, device, error.

Each route: the owner changes their own row, another user cannot touch it, anonymous gets 401,
an admin (staff token) acts on their own row only.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail

from apps.accounts.models import Device, User
from apps.chat.models import Error
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _row(user):
    return User.objects.get(pk=user.pk)


def test_it_stores_the_client_datetime_of_terms_acceptance(stranger_client, stranger, member):
    response = stranger_client.put("/terms_and_conditions", {"datetime": "2026-03-04T05:06:07+02:00"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert _row(stranger).terms_and_conditions_accepted == datetime(2026, 3, 4, 3, 6, 7, tzinfo=UTC)
    assert _row(member).terms_and_conditions_accepted == member.terms_and_conditions_accepted


@pytest.mark.parametrize(
    ("body", "message"),
    [({}, "datetime: This field is required."), ({"datetime": "yesterday"}, "datetime: must be an ISO 8601 date-time")],
)
def test_it_refuses_terms_without_a_valid_datetime(stranger_client, stranger, body, message):
    response = stranger_client.put("/terms_and_conditions", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == message
    assert _row(stranger).terms_and_conditions_accepted is None


def test_it_refuses_terms_to_anonymous(anonymous):
    assert anonymous.put("/terms_and_conditions", {"datetime": "2026-01-01T00:00:00"}, format="json").status_code == 401


def test_it_marks_and_reads_the_onboarding(owner_client, owner, member_client, member, admin_client, admin):
    assert owner_client.get("/onboarding").json() == {"onboarding_presented": False}

    response = owner_client.put("/onboarding", {"datetime": "x"}, format="json")

    assert response.json() == {"user_id": owner.pk}
    assert owner_client.get("/onboarding").json() == {"onboarding_presented": True}
    assert member_client.get("/onboarding").json() == {"onboarding_presented": False}
    assert admin_client.get("/onboarding").json() == {"onboarding_presented": False}
    assert _row(member).onboarding_presented is None and _row(admin).onboarding_presented is None


def test_it_refuses_the_onboarding_to_anonymous(anonymous):
    assert anonymous.get("/onboarding").status_code == 401
    assert anonymous.put("/onboarding", {}, format="json").status_code == 401


def test_it_sets_the_language_of_the_caller_only(owner_client, owner, member):
    response = owner_client.post("/language", {"language_code": "es"}, format="json")

    assert response.json() == {"success": "Language updated"}
    assert (_row(owner).language_code, _row(member).language_code) == ("es", "en")


def test_it_refuses_an_unsupported_language(owner_client, owner):
    response = owner_client.post("/language", {"language_code": "xx"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"error": "language_code: unsupported language 'xx' (available: en, es, fr)"}
    assert _row(owner).language_code == "en"


def test_it_serves_languages_and_interface_strings_without_login(anonymous):
    response = anonymous.get("/language", {"datetime": "x", "language_code": "fr"})

    assert response.status_code == 200
    body = response.json()
    assert body["available_languages"] == {"en": "English", "es": "Español", "fr": "Français"}
    assert body["language_json_file"]["account"]["languageName"] == "Français"


def test_it_falls_back_to_english_strings_for_an_unknown_language(anonymous):
    body = anonymous.get("/language", {"language_code": "de"}).json()

    assert body["language_json_file"]["account"]["languageName"] == "English"


def test_it_refuses_to_set_a_language_anonymously(anonymous):
    assert anonymous.post("/language", {"language_code": "fr"}, format="json").status_code == 401


@pytest.mark.parametrize(("offset", "status"), [(-840, 200), (840, 200), (-841, 400), (841, 400)])
def test_it_sets_a_timezone_offset_within_14_hours(owner_client, owner, offset, status):
    response = owner_client.post("/timezone", {"timezone_offset": offset}, format="json")

    assert response.status_code == status
    assert _row(owner).timezone_offset == (offset if status == 200 else None)


def test_it_refuses_a_timezone_that_is_not_an_integer(owner_client, owner):
    response = owner_client.post("/timezone", {"timezone_offset": "UTC+2"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == "timezone_offset: A valid integer is required."


def test_it_sets_the_goal(owner_client, owner, member, anonymous):
    assert owner_client.put("/goal", {"goal": "Close more deals"}, format="json").json() == {"success": "Goal updated"}
    assert (_row(owner).goal, _row(member).goal) == ("Close more deals", None)
    assert anonymous.put("/goal", {"goal": "x"}, format="json").status_code == 401


def test_it_registers_a_device_once_per_token(owner_client, owner):
    first = owner_client.put("/device", {"fcm_token": "fcm-1"}, format="json").json()["device_pk"]
    second = owner_client.put("/device", {"fcm_token": "fcm-1"}, format="json").json()["device_pk"]

    assert first == second
    assert list(Device.objects.values_list("user_id", "fcm_token", "valid")) == [(owner.pk, "fcm-1", True)]


def test_it_moves_a_device_token_to_its_new_owner(owner_client, owner, member_client, member):
    owner_client.put("/device", {"fcm_token": "shared-phone"}, format="json")

    member_client.put("/device", {"fcm_token": "shared-phone"}, format="json")

    assert set(Device.objects.values_list("user_id", "valid")) == {(owner.pk, False), (member.pk, True)}


def test_it_refuses_a_device_without_token_or_login(owner_client, anonymous):
    assert owner_client.put("/device", {}, format="json").json()["error"] == "fcm_token: This field is required."
    assert anonymous.put("/device", {"fcm_token": "x"}, format="json").status_code == 401
    assert Device.objects.count() == 0


def test_unit_records_a_client_error_with_the_callers_session(
    broker, owner_client, owner, admin_receivers, django_capture_on_commit_callbacks
):
    session = SessionFactory(user=owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.put(
            "/error", {"error": "crash in editor", "notify_admin": True, "session_id": session.pk}, format="json"
        )
    broker.run_bodies()  # the worker's part, run in-process

    assert response.json() == {"success": "Error logged"}
    error = Error.objects.get()
    assert (error.session_id, error.message) == (session.pk, f"crash in editor\nUser: {owner.pk}")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["tech@example.com"], "[Mojodex] Client error")]


def test_it_does_not_link_an_error_to_another_users_session(member_client, owner):
    session = SessionFactory(user=owner)

    member_client.put("/error", {"error": "boom", "session_id": session.pk}, format="json")

    assert Error.objects.get().session_id is None


def test_it_refuses_an_anonymous_error_report(anonymous):
    assert anonymous.put("/error", {"error": "boom"}, format="json").status_code == 401
    assert Error.objects.count() == 0


def test_it_serves_english_strings_for_a_blank_language(anonymous):
    body = anonymous.get("/language", {"language_code": ""}).json()

    assert body["language_json_file"]["account"]["languageName"] == "English"
