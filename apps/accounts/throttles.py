"""Throttles of the credential routes (login, registration, password), counted in the Redis cache.

Two counters: per account (the e-mail sent, hashed; or the signed-in user) and per client address
(``REMOTE_ADDR``, or the address ``TRUSTED_PROXY_COUNT`` hops back in ``X-Forwarded-For`` behind
proxies — a client cannot spoof it). Rates come from settings on every request, so tests and
deployments change them without touching DRF's global throttle table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


def client_address(request: Request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return remote


class _SettingsRateThrottle(SimpleRateThrottle):
    rate_setting = ""

    def __init__(self) -> None:  # the rate is read per request: settings may change (tests)
        self.rate = getattr(settings, self.rate_setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self) -> str:
        return getattr(settings, self.rate_setting)

    def hashed_key(self, ident: str) -> str:
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(ident.encode()).hexdigest()}


class CredentialAddressThrottle(_SettingsRateThrottle):
    """Attempts per client address (``LOGIN_THROTTLE_ADDRESS_RATE``)."""

    scope = "login_address"
    rate_setting = "LOGIN_THROTTLE_ADDRESS_RATE"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.hashed_key(client_address(request))


class CredentialAccountThrottle(_SettingsRateThrottle):
    """Attempts per account (``LOGIN_THROTTLE_ACCOUNT_RATE``): the body's ``email``, else the
    signed-in user. A request naming no account is left to the address throttle."""

    scope = "login_account"
    rate_setting = "LOGIN_THROTTLE_ACCOUNT_RATE"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        data = request.data
        email = data.get("email") if isinstance(data, Mapping) else None
        if isinstance(email, str) and email.strip():
            return self.hashed_key("email:" + email.strip().lower())
        if getattr(request.user, "is_authenticated", False):
            return self.hashed_key(f"user:{request.user.pk}")
        return None


class AdminNoticeUserThrottle(_SettingsRateThrottle):
    """E-mails to the admins a user's error reports may cause (``ADMIN_NOTIFY_USER_RATE``)."""

    scope = "admin_notice_user"
    rate_setting = "ADMIN_NOTIFY_USER_RATE"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.hashed_key(f"user:{request.user.pk}")


class AdminNoticeGlobalThrottle(_SettingsRateThrottle):
    """E-mails to the admins all users' error reports together may cause (``ADMIN_NOTIFY_GLOBAL_RATE``)."""

    scope = "admin_notice_global"
    rate_setting = "ADMIN_NOTIFY_GLOBAL_RATE"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.hashed_key("all")


def admin_notice_allowed(request: Request, view: Any) -> bool:
    """Whether a report may e-mail the admins now; over either rate it is still stored, not e-mailed."""
    return all(
        throttle.allow_request(request, view) for throttle in (AdminNoticeUserThrottle(), AdminNoticeGlobalThrottle())
    )
