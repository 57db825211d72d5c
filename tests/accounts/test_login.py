"""POST /user with email_password: the original's answer, its errors, and the token's lifetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from django.conf import settings

from apps.accounts.hashers import make_werkzeug_password
from apps.accounts.models import User
from apps.accounts.tokens import issue_token
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _login(client, **body):
    return client.post(
        "/user", {"datetime": "2026-01-01T10:00:00", "login_method": "email_password", **body}, format="json"
    )


def test_it_logs_in_with_email_and_password(anonymous, owner):
    response = _login(anonymous, email="owner@example.com", password="owner-password-1")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "language_code", "name", "terms_and_conditions_agreed", "company_fk"}
    assert (body["language_code"], body["name"], body["terms_and_conditions_agreed"], body["company_fk"]) == (
        "en",
        "Owner",
        True,
        None,
    )
    me = anonymous.get("/onboarding", HTTP_AUTHORIZATION=body["token"])
    assert me.status_code == 200


def test_it_issues_a_token_valid_180_days_whose_subject_starts_with_the_user_id(anonymous, owner):
    token = _login(anonymous, email="owner@example.com", password="owner-password-1").json()["token"]

    claims = jwt.decode(token, settings.JWT_SECRET, algorithms=[settings.JWT_ALGORITHM])
    assert claims["exp"] - claims["iat"] == 180 * 24 * 3600
    assert claims["sub"].split("__mojodex__")[0] == owner.pk


def test_it_refuses_an_expired_token(owner):
    expired = issue_token(owner.pk, now=datetime.now(UTC) - timedelta(days=180, seconds=1))
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=expired)

    response = client.get("/onboarding")

    assert response.status_code == 401
    assert response.json() == {"error": "Expired token"}


def test_it_accepts_a_token_one_second_before_expiry(owner):
    almost = issue_token(owner.pk, now=datetime.now(UTC) - timedelta(days=180) + timedelta(seconds=5))
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=almost)

    assert client.get("/onboarding").status_code == 200


def test_it_matches_the_email_case_insensitively(anonymous, owner):
    response = _login(anonymous, email="Owner@Example.com", password="owner-password-1")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("owner@example.com", "wrong-password", "Wrong email or password."),
        ("nobody@example.com", "owner-password-1", "Wrong email or password."),
    ],
)
def test_it_refuses_wrong_credentials_with_400(anonymous, owner, email, password, message):
    response = _login(anonymous, email=email, password=password)

    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_it_refuses_a_password_login_for_a_social_account(anonymous, db):
    User.objects.create_user("social@example.com", None, google_id="g-1")

    response = _login(anonymous, email="social@example.com", password="anything-at-all")

    assert response.status_code == 400
    assert response.json() == {"error": "User is not registered with password."}


def test_it_refuses_a_disabled_account_with_403(anonymous, owner):
    User.objects.filter(pk=owner.pk).update(is_active=False)

    response = _login(anonymous, email="owner@example.com", password="owner-password-1")

    assert response.status_code == 403
    assert response.json() == {"error": "This account is disabled."}


def test_it_logs_in_with_the_original_werkzeug_hash_and_upgrades_it(anonymous, db):
    legacy = User.objects.create_user("legacy@example.com", None)
    User.objects.filter(pk=legacy.pk).update(password=make_werkzeug_password("demo", "saltsalt"))

    response = _login(anonymous, email="legacy@example.com", password="demo")

    assert response.status_code == 200
    legacy.refresh_from_db()
    assert legacy.password is not None
    assert not legacy.password.startswith("pbkdf2:sha256:")
    assert legacy.check_password("demo")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"login_method": "email_password", "password": "x"}, "email: This field is required."),
        ({"email": "owner@example.com", "password": "x"}, "login_method: This field is required."),
        ({"email": "owner@example.com", "login_method": "email_password"}, "password: "),
        ({"email": "owner@example.com", "login_method": "carrier_pigeon", "password": "x"}, "login_method: "),
        ({"email": "owner@example.com", "login_method": "google"}, "password: one of password, google_token"),
    ],
)
def test_it_names_the_missing_or_bad_field(anonymous, owner, body, message):
    response = anonymous.post("/user", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"].startswith(message)


def test_it_answers_a_body_that_is_not_json_with_400(anonymous, owner):
    response = anonymous.post("/user", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["error"]


def test_it_ignores_a_stale_token_sent_to_the_login_route(anonymous, owner):
    anonymous.credentials(HTTP_AUTHORIZATION="not-a-token")

    response = _login(anonymous, email="owner@example.com", password="owner-password-1")

    assert response.status_code == 200
