"""Login providers: who a Google, Apple or Microsoft credential really belongs to.

Google and Apple send ID tokens (JWT, RS256) verified here with PyJWT against the provider's
signing keys (JWKS) fetched from ``GOOGLE_JWKS_URL``/``APPLE_JWKS_URL`` (``https://``, or
``file://`` for offline use), cached ``JWKS_CACHE_SECONDS`` in the Django cache and fetched again
once when a token names an unknown key id. Audience: the configured client ids. Microsoft sends a
Graph access token: ``GET <MICROSOFT_AD_API_URI>/me`` must answer 200 and names the account.

Every outbound call has ``SOCIAL_LOGIN_TIMEOUT``. Every failure is an ``Invalid`` (400) saying
what went wrong, never the token itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.core.cache import cache

from apps.core.errors import Invalid

logger = logging.getLogger(__name__)

GOOGLE_ISSUERS = ("accounts.google.com", "https://accounts.google.com")
APPLE_ISSUER = "https://appleid.apple.com"
MAX_RESPONSE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Identity:
    provider: str  # google | apple | microsoft
    subject: str  # the provider's stable account id
    email: str
    name: str | None


def _fetch(request: urllib.request.Request | str) -> tuple[int, Any]:
    """(status, parsed JSON) of a provider call; ``Invalid`` when unreachable or not JSON."""
    try:
        with urllib.request.urlopen(request, timeout=settings.SOCIAL_LOGIN_TIMEOUT) as response:
            status, body = getattr(response, "status", None) or 200, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read(MAX_RESPONSE_BYTES)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        logger.warning("login provider unreachable: %s", error)
        raise Invalid("login provider unreachable, try again") from None
    try:
        return status, json.loads(body or b"null")
    except ValueError:
        raise Invalid("login provider answered something that is not JSON") from None


def _jwks(url: str, *, refresh: bool = False) -> dict[str, Any]:
    key = f"jwks:{hashlib.sha256(url.encode()).hexdigest()}"
    if not refresh:
        cached = cache.get(key)
        if cached:
            return cached
    status, data = _fetch(url)
    if status != 200 or not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise Invalid("login provider signing keys unavailable")
    if settings.JWKS_CACHE_SECONDS:
        cache.set(key, data, settings.JWKS_CACHE_SECONDS)
    return data


def _signing_key(url: str, token: str) -> Any:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        raise Invalid("malformed identity token") from None
    for refresh in (False, True):
        for entry in _jwks(url, refresh=refresh)["keys"]:
            if entry.get("kid") == kid:
                try:
                    return jwt.PyJWK(entry).key
                except jwt.PyJWTError:
                    raise Invalid("login provider signing key unusable") from None
    raise Invalid("identity token signed by an unknown key")


def _verify_id_token(token: str, *, jwks_url: str, audiences: list[str], issuers: tuple[str, ...]) -> dict[str, Any]:
    key = _signing_key(jwks_url, token)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=audiences,
            issuer=issuers,
            leeway=30,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise Invalid("identity token expired") from None
    except jwt.InvalidAudienceError:
        raise Invalid("identity token issued for another application") from None
    except jwt.PyJWTError as error:
        raise Invalid(f"invalid identity token ({type(error).__name__})") from None
    if not claims.get("email"):
        raise Invalid("identity token has no e-mail address")
    if str(claims.get("email_verified", "true")).lower() == "false":
        raise Invalid("e-mail address not verified by the login provider")
    return claims


def google_identity(token: str) -> Identity:
    if not settings.GOOGLE_CLIENT_ID:
        raise Invalid("login_method: Google login is not configured on this server")
    claims = _verify_id_token(
        token, jwks_url=settings.GOOGLE_JWKS_URL, audiences=settings.GOOGLE_CLIENT_ID, issuers=GOOGLE_ISSUERS
    )
    name = claims.get("name")
    return Identity("google", str(claims["sub"]), str(claims["email"]), str(name) if name else None)


def _apple_identity(token: str, audiences: list[str]) -> Identity:
    claims = _verify_id_token(token, jwks_url=settings.APPLE_JWKS_URL, audiences=audiences, issuers=(APPLE_ISSUER,))
    email = str(claims["email"])
    return Identity("apple", str(claims["sub"]), email, email.split("@")[0])


def apple_identity(token: str) -> Identity:
    """``apple_token``: an ID token issued to one of our service ids (``APPLE_CLIENT_ID``)."""
    if not settings.APPLE_CLIENT_ID:
        raise Invalid("login_method: Apple login is not configured on this server")
    return _apple_identity(token, settings.APPLE_CLIENT_ID)


def apple_identity_from_code(code: str) -> Identity:
    """``apple_authorization_code``: redeemed at Apple's token endpoint for an ID token issued to
    the app (``APPLE_ID``)."""
    if not (settings.APPLE_ID and settings.APPLE_CLIENT_APP_SECRET):
        raise Invalid("login_method: Apple login with an authorization code is not configured on this server")
    form = urllib.parse.urlencode(
        {
            "client_id": settings.APPLE_ID,
            "client_secret": settings.APPLE_CLIENT_APP_SECRET,
            "code": code,
            "grant_type": "authorization_code",
        }
    ).encode()
    request = urllib.request.Request(
        settings.APPLE_TOKEN_URL,
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    status, data = _fetch(request)
    if status != 200 or not isinstance(data, dict) or not isinstance(data.get("id_token"), str):
        raise Invalid("apple_authorization_code: refused by Apple")
    return _apple_identity(data["id_token"], [settings.APPLE_ID])


def microsoft_identity(access_token: str) -> Identity:
    """``microsoft_token``: a Graph access token; the account is whoever ``/me`` says it is (its
    e-mail, not the one in the request — the original trusted the request)."""
    if not access_token.isascii() or not access_token.isprintable():  # cannot go in an HTTP header
        raise Invalid("microsoft_token: malformed token")
    request = urllib.request.Request(
        f"{settings.MICROSOFT_AD_API_URI}/me",
        headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
    )
    status, data = _fetch(request)
    if status != 200 or not isinstance(data, dict) or not data.get("id"):
        raise Invalid("microsoft_token: refused by Microsoft")
    email = data.get("mail") or data.get("userPrincipalName")
    if not email or "@" not in str(email):
        raise Invalid("microsoft_token: the Microsoft account has no e-mail address")
    name = data.get("displayName")
    return Identity("microsoft", str(data["id"]), str(email), str(name) if name else None)
