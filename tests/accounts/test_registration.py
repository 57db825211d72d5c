"""PUT /user: registration with a password, and admin-created accounts (skip_user_validation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail

from apps.accounts.models import User
from apps.accounts.services import user_for_reset_token

pytestmark = pytest.mark.django_db

NEW = {"datetime": "2026-01-01T10:00:00", "email": "new@example.com", "name": "Newt", "password": "newt-password-1"}


def test_unit_registers_a_user_and_answers_like_a_login(
    broker, anonymous, admin_receivers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.put("/user", NEW, format="json")
    broker.run_bodies()  # the worker's part, run in-process

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["language_code"], body["terms_and_conditions_agreed"], body["company_fk"]) == (
        "Newt",
        "en",
        False,
        None,
    )
    user = User.objects.get(email="new@example.com")
    assert user.check_password("newt-password-1")
    assert (user.terms_and_conditions_accepted, user.onboarding_presented) == (None, None)
    assert (Path(django_settings.DATA_DIR) / "users" / user.pk).is_dir()
    assert [m.subject for m in mail.outbox] == ["[Mojodex] New user registered"]
    assert mail.outbox[0].to == ["ops@example.com"]
    assert "new@example.com" in mail.outbox[0].body


def test_it_registers_in_the_language_asked(anonymous):
    response = anonymous.put("/user", {**NEW, "language_code": "fr"}, format="json")

    assert response.status_code == 200
    assert User.objects.get(email="new@example.com").language_code == "fr"


def test_it_refuses_an_email_already_registered_and_changes_nothing(anonymous, owner):
    before = User.objects.get(pk=owner.pk).password

    response = anonymous.put("/user", {**NEW, "email": "OWNER@example.com"}, format="json")

    assert response.status_code == 409
    assert response.json() == {"error": "Email already exists."}
    assert User.objects.count() == 1
    assert User.objects.get(pk=owner.pk).password == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "short"}, "password: This password is too short. It must contain at least 8 characters."),
        ({"email": "not-an-email"}, "email: Enter a valid email address."),
        ({"name": ""}, "name: This field may not be blank."),
        ({"language_code": "de"}, "language_code: unsupported language 'de' (available: en, es, fr)"),
    ],
)
def test_it_refuses_bad_registration_input(anonymous, changes, message):
    response = anonymous.put("/user", {**NEW, **changes}, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == message
    assert User.objects.count() == 0


def test_it_refuses_skip_user_validation_to_anyone_but_an_admin(anonymous, member_client):
    for client in (anonymous, member_client):
        response = client.put("/user", {**NEW, "skip_user_validation": True}, format="json")

        assert response.status_code == 403
        assert response.json() == {"error": "skip_user_validation: only an admin may create pre-validated accounts"}
    assert not User.objects.filter(email="new@example.com").exists()


@pytest.mark.parametrize("client_fixture", ["backoffice_client", "admin_client"])
def test_unit_lets_an_admin_create_a_prevalidated_account_and_mails_a_password_link(
    broker, request, client_fixture, django_capture_on_commit_callbacks
):
    client = request.getfixturevalue(client_fixture)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.put("/user", {**NEW, "skip_user_validation": True}, format="json")
    broker.run_bodies()  # the worker's part, run in-process

    assert response.status_code == 200
    assert response.json()["terms_and_conditions_agreed"] is True
    user = User.objects.get(email="new@example.com")
    assert user.onboarding_presented is not None
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    message = mail.outbox[0]
    assert message.subject == "Your Mojodex account is ready: choose your password"
    link = next(line for line in message.body.splitlines() if "/auth/reset-password?token=" in line)
    assert link.startswith(f"{django_settings.MOJODEX_WEBAPP_URI}/auth/reset-password?token=")
    assert user_for_reset_token(link.split("token=")[1]).pk == user.pk
