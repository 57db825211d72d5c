"""Tokens hold: ``exp`` is required, and a password change or reset or "log out everywhere" revokes
every earlier token, on REST and on WebSocket connect (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt
import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core import mail
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.accounts.services import make_reset_token
from apps.accounts.tokens import issue_token
from mojodex.asgi import application
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token)
    return client


def _goal(user: User) -> str | None:
    return User.objects.get(pk=user.pk).goal


def test_it_refuses_a_token_without_exp(owner):
    subject = f"{owner.pk}{settings.TOKEN_SECRET_SPLITTER}abcdefghij{datetime.now(UTC).isoformat()}"
    forever = jwt.encode({"sub": subject, "ver": 0}, settings.JWT_SECRET, algorithm=settings.JWT_ALGORITHM)

    response = _bearer(forever).put("/goal", {"goal": "ship it"}, format="json")

    assert response.status_code == 401
    assert response.json() == {"error": "Invalid token"}
    assert _goal(owner) is None


def test_it_still_accepts_a_token_issued_before_versions_existed(owner):
    """Tokens in the wild carry no ``ver``: they are version 0 until the first revocation."""
    now = datetime.now(UTC)
    subject = f"{owner.pk}{settings.TOKEN_SECRET_SPLITTER}abcdefghij{now.isoformat()}"
    claims = {"sub": subject, "iat": now, "exp": now.timestamp() + 60}
    legacy = jwt.encode(claims, settings.JWT_SECRET, algorithm=settings.JWT_ALGORITHM)

    assert _bearer(legacy).get("/vocabulary").status_code == 200


def test_it_revokes_earlier_tokens_on_a_password_change(owner):
    old_token = issue_token(owner.pk)
    response = _bearer(old_token).post(
        "/change_password", {"old_password": "owner-password-1", "new_password": "alice-password-2"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["message"] == "Password updated."
    fresh = response.json()["token"]

    denied = _bearer(old_token).put("/goal", {"goal": "ship it"}, format="json")
    assert denied.status_code == 401
    assert denied.json() == {"error": "Invalid token"}
    assert _goal(owner) is None
    assert _bearer(fresh).put("/goal", {"goal": "ship it"}, format="json").status_code == 200
    assert _goal(owner) == "ship it"
    owner.refresh_from_db()
    assert owner.token_version == 1


def test_it_revokes_earlier_tokens_on_a_password_reset(owner, anonymous):
    old_token = issue_token(owner.pk)

    response = anonymous.post(
        "/password",
        {"datetime": "x", "Authorization": make_reset_token(owner), "new_password": "brand-new-pass-1"},
        format="json",
    )

    assert response.status_code == 200
    assert _bearer(old_token).get("/vocabulary").status_code == 401
    login = anonymous.post(
        "/user",
        {"email": "owner@example.com", "password": "brand-new-pass-1", "login_method": "email_password"},
        format="json",
    )
    assert login.status_code == 200
    assert _bearer(login.json()["token"]).get("/vocabulary").status_code == 200
    assert mail.outbox == []


def test_it_logs_out_everywhere_and_only_that_user(owner, member):
    phone, laptop, others = issue_token(owner.pk), issue_token(owner.pk), issue_token(member.pk)

    response = _bearer(phone).post("/logout_everywhere")

    assert response.status_code == 200
    assert response.json() == {"success": True}
    for token in (phone, laptop):
        assert _bearer(token).get("/vocabulary").status_code == 401
    assert _bearer(others).get("/vocabulary").status_code == 200
    assert User.objects.get(pk=owner.pk).token_version == 1
    assert User.objects.get(pk=member.pk).token_version == 0


def test_it_refuses_log_out_everywhere_anonymously(owner, anonymous):
    response = anonymous.post("/logout_everywhere")

    assert response.status_code == 401
    assert User.objects.get(pk=owner.pk).token_version == 0


def test_it_documents_log_out_everywhere_in_the_schema(admin):
    schema = client_for(admin).get("/api/schema/?format=json").json()

    assert "post" in schema["paths"]["/logout_everywhere"]
    assert "token" in schema["components"]["schemas"]["PasswordChanged"]["properties"]


@pytest.mark.django_db(transaction=True)
async def test_it_closes_a_socket_opened_with_a_revoked_token(owner):
    token = issue_token(owner.pk)
    await User.objects.filter(pk=owner.pk).aupdate(token_version=1)

    communicator = WebsocketCommunicator(application, f"/ws/echo/?token={token}")
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from(timeout=5) == {"event": "error", "data": {"error": "Invalid token"}}
    assert (await communicator.receive_output(timeout=5))["code"] == 4401
    await communicator.disconnect()


def test_it_refuses_a_password_reset_link_without_exp(owner, anonymous):
    from apps.accounts.services import _password_fingerprint

    subject = f"{owner.pk}{settings.RESET_PASSWORD_SECRET_KEY}abcdefghij{datetime.now(UTC).isoformat()}"
    claims = {"sub": subject, "pwd": _password_fingerprint(owner)}
    forever = jwt.encode(claims, settings.RESET_PASSWORD_JWT_SECRET, algorithm=settings.JWT_ALGORITHM)
    before = User.objects.get(pk=owner.pk).password

    response = anonymous.post(
        "/password", {"datetime": "x", "Authorization": forever, "new_password": "brand-new-pass-1"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"error": "Invalid link"}
    assert User.objects.get(pk=owner.pk).password == before
