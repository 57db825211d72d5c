"""POST /user with Google, Apple and Microsoft: tokens verified against keys the test publishes
(JWKS files), Microsoft Graph and Apple's token endpoint played by a local stub server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from apps.accounts.models import User
from apps.products.models import Purchase

pytestmark = pytest.mark.django_db

GOOGLE_CLIENT = "web-client.apps.googleusercontent.com"
APPLE_SERVICE = "com.example.mojodex.web"
APPLE_APP = "com.example.mojodex"


@pytest.fixture
def google(settings, signing_key):
    key = signing_key()
    settings.GOOGLE_CLIENT_ID = [GOOGLE_CLIENT, "ios-client.apps.googleusercontent.com"]
    settings.GOOGLE_JWKS_URL = key.url
    return key


@pytest.fixture
def apple(settings, signing_key):
    key = signing_key()
    settings.APPLE_CLIENT_ID = [APPLE_SERVICE]
    settings.APPLE_JWKS_URL = key.url
    return key


def _google_token(key, **claims):
    base = {
        "iss": "https://accounts.google.com",
        "aud": GOOGLE_CLIENT,
        "sub": "google-123",
        "email": "gina@example.com",
        "email_verified": True,
        "name": "Gina G",
    }
    return key.token(**{**base, **claims})


def _login(client, method, email="gina@example.com", **credentials):
    return client.post("/user", {"email": email, "login_method": method, **credentials}, format="json")


def test_it_registers_an_unknown_google_user_without_password_or_purchase(anonymous, google):
    response = _login(anonymous, "google", email="ignored@example.com", google_token=_google_token(google))

    assert response.status_code == 200
    assert response.json()["name"] == "Gina G"
    user = User.objects.get(email="gina@example.com")
    assert user.password is not None
    assert (user.google_id, user.name, user.password.startswith("!")) == ("google-123", "Gina G", True)
    assert Purchase.objects.filter(user=user).count() == 0
    assert not User.objects.filter(email="ignored@example.com").exists()
    assert (Path(django_settings.DATA_DIR) / "users" / user.pk).is_dir()


def test_it_links_google_to_an_existing_account_and_updates_the_name(anonymous, google, owner):
    token = _google_token(google, email="owner@example.com", sub="google-alice", name="Alice A")

    response = _login(anonymous, "google", email="owner@example.com", google_token=token)

    assert response.status_code == 200
    owner.refresh_from_db()
    assert (owner.google_id, owner.name) == ("google-alice", "Alice A")
    assert User.objects.count() == 1


def test_it_refuses_a_google_account_other_than_the_linked_one(anonymous, google, owner):
    User.objects.filter(pk=owner.pk).update(google_id="google-original")
    token = _google_token(google, email="owner@example.com", sub="google-intruder", name="Mallory")

    response = _login(anonymous, "google", email="owner@example.com", google_token=token)

    assert response.status_code == 400
    assert response.json() == {"error": "this e-mail is linked to another google account"}
    owner.refresh_from_db()
    assert (owner.google_id, owner.name) == ("google-original", "Owner")


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"aud": "someone-else"}, "identity token issued for another application"),
        ({"iss": "https://evil.example"}, "invalid identity token (InvalidIssuerError)"),
        ({"exp": int(time.time()) - 120}, "identity token expired"),
        ({"email_verified": False}, "e-mail address not verified by the login provider"),
    ],
)
def test_it_refuses_an_unacceptable_google_token(anonymous, google, claims, message):
    response = _login(anonymous, "google", google_token=_google_token(google, **claims))

    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert User.objects.count() == 0


def test_it_refuses_a_google_token_signed_by_another_key(anonymous, google, signing_key):
    forger = signing_key(kid=google.kid)  # same key id, different key

    response = _login(anonymous, "google", google_token=_google_token(forger))

    assert response.status_code == 400
    assert response.json() == {"error": "invalid identity token (InvalidSignatureError)"}
    assert User.objects.count() == 0


def test_it_refuses_a_token_from_an_unknown_key_id(anonymous, google, signing_key):
    response = _login(anonymous, "google", google_token=_google_token(signing_key()))

    assert response.status_code == 400
    assert response.json() == {"error": "identity token signed by an unknown key"}


def test_it_says_when_google_login_is_not_configured(anonymous, settings):
    settings.GOOGLE_CLIENT_ID = []

    response = _login(anonymous, "google", google_token="whatever")

    assert response.status_code == 400
    assert response.json() == {"error": "login_method: Google login is not configured on this server"}


def test_it_registers_an_apple_user_with_its_apple_id_and_mail_prefix_as_name(anonymous, apple):
    token = apple.token(iss="https://appleid.apple.com", aud=APPLE_SERVICE, sub="apple-001", email="ann@icloud.com")

    response = _login(anonymous, "apple", email="ann@icloud.com", apple_token=token)

    assert response.status_code == 200
    user = User.objects.get(email="ann@icloud.com")
    assert (user.apple_id, user.name) == ("apple-001", "ann")


def test_it_redeems_an_apple_authorization_code(anonymous, apple, settings, stub_server):
    settings.APPLE_ID = APPLE_APP
    settings.APPLE_CLIENT_APP_SECRET = "apple-client-secret"
    settings.APPLE_TOKEN_URL = f"{stub_server.url}/auth/token"
    id_token = apple.token(iss="https://appleid.apple.com", aud=APPLE_APP, sub="apple-002", email="bo@icloud.com")
    stub_server.routes[("POST", "/auth/token")] = (200, {"id_token": id_token})

    response = _login(anonymous, "apple", email="bo@icloud.com", apple_authorization_code="code-xyz")

    assert response.status_code == 200
    assert User.objects.get(email="bo@icloud.com").apple_id == "apple-002"
    sent = stub_server.requests[0]["body"]
    assert "grant_type=authorization_code" in sent and "code=code-xyz" in sent and "client_id=com.example" in sent


def test_it_logs_in_with_microsoft_using_the_graph_email_not_the_request_email(anonymous, settings, stub_server):
    settings.MICROSOFT_AD_API_URI = stub_server.url
    stub_server.routes[("GET", "/me")] = (
        200,
        {"id": "ms-42", "displayName": "Max M", "mail": "max@contoso.example", "userPrincipalName": "max@contoso"},
    )

    response = _login(anonymous, "microsoft", email="victim@example.com", microsoft_token="graph-token")

    assert response.status_code == 200
    assert stub_server.requests[0]["headers"]["Authorization"] == "Bearer graph-token"
    user = User.objects.get(microsoft_id="ms-42")
    assert (user.email, user.name) == ("max@contoso.example", "Max M")
    assert not User.objects.filter(email="victim@example.com").exists()


def test_it_refuses_a_microsoft_token_graph_rejects(anonymous, settings, stub_server):
    settings.MICROSOFT_AD_API_URI = stub_server.url
    stub_server.routes[("GET", "/me")] = (401, {"error": {"code": "InvalidAuthenticationToken"}})

    response = _login(anonymous, "microsoft", microsoft_token="expired")

    assert response.status_code == 400
    assert response.json() == {"error": "microsoft_token: refused by Microsoft"}
    assert User.objects.count() == 0


def test_it_gives_up_on_a_provider_slower_than_the_timeout(anonymous, settings, stub_server):
    settings.MICROSOFT_AD_API_URI = stub_server.url
    settings.SOCIAL_LOGIN_TIMEOUT = 1
    stub_server.delay = 2
    stub_server.routes[("GET", "/me")] = (200, {"id": "ms-1", "mail": "slow@example.com"})

    response = _login(anonymous, "microsoft", microsoft_token="t")

    assert response.status_code == 400
    assert response.json() == {"error": "login provider unreachable, try again"}
    assert User.objects.count() == 0


def test_it_keeps_a_provider_name_longer_than_the_column_to_255_characters(anonymous, settings, stub_server):
    settings.MICROSOFT_AD_API_URI = stub_server.url
    stub_server.routes[("GET", "/me")] = (200, {"id": "ms-7", "displayName": "N" * 400, "mail": "n@contoso.example"})

    response = _login(anonymous, "microsoft", microsoft_token="t")

    assert response.status_code == 200
    assert User.objects.get(microsoft_id="ms-7").name == "N" * 255


def test_it_refuses_a_provider_email_longer_than_the_column(anonymous, settings, stub_server):
    settings.MICROSOFT_AD_API_URI = stub_server.url
    stub_server.routes[("GET", "/me")] = (200, {"id": "ms-8", "mail": "x" * 250 + "@contoso.example"})

    response = _login(anonymous, "microsoft", microsoft_token="t")

    assert (response.status_code, response.json()) == (
        400,
        {"error": "the microsoft account's e-mail or id is too long"},
    )
    assert User.objects.count() == 0
