"""Password reset by e-mailed link (10 minutes, single use) and signed-in password change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from apps.accounts.models import User
from apps.accounts.services import make_reset_token

pytestmark = pytest.mark.django_db


def _token_from_mail() -> str:
    line = next(line for line in mail.outbox[-1].body.splitlines() if "token=" in line)
    return line.split("token=")[1].strip()


def _reset(client, token, password="brand-new-pass-1"):
    return client.post("/password", {"datetime": "x", "Authorization": token, "new_password": password}, format="json")


def test_unit_mails_a_reset_link_in_the_user_language(broker, anonymous, owner, django_capture_on_commit_callbacks):
    User.objects.filter(pk=owner.pk).update(language_code="fr")

    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.put("/password", {"datetime": "x", "email": "owner@example.com"}, format="json")
    broker.run_bodies()  # the worker's part, run in-process

    assert response.status_code == 200
    assert response.json() == {"message": "Email sent."}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (["owner@example.com"], "Réinitialisez votre mot de passe Mojodex")
    assert "pendant 10 minutes" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    assert "http://localhost:8000/app/auth/reset-password?token=" in str(message.alternatives[0][0])


def test_it_answers_404_for_an_unknown_email_and_sends_nothing(anonymous, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.put("/password", {"email": "nobody@example.com"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"error": "Email not found"}
    assert mail.outbox == []


def test_unit_sets_the_new_password_with_the_link(broker, anonymous, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        anonymous.put("/password", {"email": "owner@example.com"}, format="json")
    broker.run_bodies()  # the worker's part, run in-process

    response = _reset(anonymous, _token_from_mail())

    assert response.status_code == 200
    assert response.json() == {"message": "Password updated."}
    owner.refresh_from_db()
    assert owner.check_password("brand-new-pass-1")
    assert not owner.check_password("owner-password-1")


def test_it_refuses_a_link_used_twice(anonymous, owner):
    token = make_reset_token(owner)
    assert _reset(anonymous, token).status_code == 200
    after_first = User.objects.get(pk=owner.pk).password

    response = _reset(anonymous, token, password="second-try-pass-2")

    assert response.status_code == 403
    assert response.json() == {"error": "Invalid link"}
    assert User.objects.get(pk=owner.pk).password == after_first


def test_it_refuses_older_links_once_the_password_changed(anonymous, owner):
    first, second = make_reset_token(owner), make_reset_token(owner)
    assert _reset(anonymous, second).status_code == 200

    assert _reset(anonymous, first).json() == {"error": "Invalid link"}


def test_it_accepts_a_link_just_before_10_minutes(anonymous, owner):
    token = make_reset_token(owner, now=datetime.now(UTC) - timedelta(minutes=10) + timedelta(seconds=5))

    assert _reset(anonymous, token).status_code == 200


def test_it_refuses_a_link_older_than_10_minutes(anonymous, owner):
    before = User.objects.get(pk=owner.pk).password
    token = make_reset_token(owner, now=datetime.now(UTC) - timedelta(minutes=10, seconds=1))

    response = _reset(anonymous, token)

    assert response.status_code == 403
    assert response.json() == {"error": "Link expired"}
    assert User.objects.get(pk=owner.pk).password == before


def test_it_refuses_a_tampered_or_foreign_token(anonymous, owner):
    token = make_reset_token(owner)

    assert _reset(anonymous, token[:-3] + "abc").json() == {"error": "Invalid link"}
    from apps.accounts.tokens import issue_token

    assert _reset(anonymous, issue_token(owner.pk)).json() == {"error": "Invalid link"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"new_password": "whatever-pass"}, "Authorization: This field is required."),
        ({"Authorization": "t"}, "new_password: This field is required."),
    ],
)
def test_it_names_a_missing_reset_field(anonymous, owner, body, message):
    response = anonymous.post("/password", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == message


def test_it_refuses_a_too_short_new_password_and_keeps_the_link_usable(anonymous, owner):
    token = make_reset_token(owner)

    response = _reset(anonymous, token, password="short")

    assert response.status_code == 400
    assert response.json()["error"].startswith("new_password: This password is too short.")
    assert _reset(anonymous, token).status_code == 200


def test_it_changes_the_password_of_the_signed_in_user(owner_client, owner):
    response = owner_client.post(
        "/change_password", {"old_password": "owner-password-1", "new_password": "owner-password-2"}, format="json"
    )

    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.check_password("owner-password-2")


def test_it_refuses_a_change_with_a_wrong_current_password(owner_client, owner):
    before = User.objects.get(pk=owner.pk).password

    response = owner_client.post(
        "/change_password", {"old_password": "guess", "new_password": "owner-password-2"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"error": "old_password: wrong password"}
    assert User.objects.get(pk=owner.pk).password == before


def test_it_refuses_a_change_without_a_signed_in_user(anonymous, owner):
    response = anonymous.post(
        "/change_password", {"old_password": "owner-password-1", "new_password": "x" * 10}, format="json"
    )

    assert response.status_code == 401
    assert User.objects.get(pk=owner.pk).check_password("owner-password-1")


def test_it_only_changes_the_callers_password(member_client, owner, member):
    response = member_client.post(
        "/change_password", {"old_password": "owner-password-1", "new_password": "taken-over-1"}, format="json"
    )

    assert response.status_code == 400
    assert User.objects.get(pk=owner.pk).check_password("owner-password-1")
    assert User.objects.get(pk=member.pk).check_password("member-password-1")


def test_it_tells_a_social_account_to_use_the_reset_link(db):
    from tests.conftest import client_for

    social = User.objects.create_user("social@example.com", None, google_id="g")

    response = client_for(social).post(
        "/change_password", {"old_password": "", "new_password": "new-password-1"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "old_password: This field may not be blank."
