"""Identity: login (password, Google, Apple, Microsoft), registration, passwords, account deletion.

Passwords are never logged, stored in clear or returned; error messages never repeat them.
Profile setters, company, devices and vocabulary are in ``apps.accounts.profile``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts import providers
from apps.accounts.models import Device, User, UserVocabulary
from apps.accounts.signals import account_deleted
from apps.accounts.tasks import send_password_link
from apps.accounts.tokens import issue_token, revoke_tokens
from apps.core.errors import Conflict, Forbidden, Invalid, Missing
from apps.notifications.services import notify_admins

logger = logging.getLogger(__name__)

WRONG_CREDENTIALS = "Wrong email or password."
NO_PASSWORD = "User is not registered with password."
DISABLED = "This account is disabled."
LINK_EXPIRED = "Link expired"
LINK_INVALID = "Invalid link"
PROVIDER_ID_FIELDS = {"google": "google_id", "apple": "apple_id", "microsoft": "microsoft_id"}


def login_payload(user: User) -> dict[str, Any]:
    """The original's answer to a login or a registration, with a new access token."""
    return {
        "token": issue_token(user.pk, version=user.token_version),
        "language_code": user.language_code,
        "name": user.name,
        "terms_and_conditions_agreed": user.terms_and_conditions_accepted is not None,
        "company_fk": user.company_id,
    }


def user_by_email(email: str) -> User | None:
    """The account of an e-mail address: exact match first, then case-insensitive (oldest)."""
    email = email.strip()
    return (
        User.objects.filter(email=email).first()
        or User.objects.filter(email__iexact=email).order_by("creation_date").first()
    )


def has_password(user: User) -> bool:
    return bool(user.password) and not str(user.password).startswith("!")


def check_new_password(password: str, user: User | None = None, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        raise Invalid(f"{field}: {' '.join(error.messages)}") from None


# --- login -----------------------------------------------------------------------------------------


def login_with_password(email: str, password: str) -> User:
    user = user_by_email(email)
    if user is None:
        User().set_password(password)  # same work as a real check: no timing hint that the account is unknown
        raise Invalid(WRONG_CREDENTIALS)
    if not has_password(user):
        raise Invalid(NO_PASSWORD)
    if not user.check_password(password):
        raise Invalid(WRONG_CREDENTIALS)
    if not user.is_active:
        raise Forbidden(DISABLED)
    return user


def identity_for(login_method: str, credentials: dict[str, Any]) -> providers.Identity:
    """Verify a social credential of the request (``google_token``, ``apple_token`` …)."""
    if login_method == "google":
        return providers.google_identity(_required(credentials, "google_token"))
    if login_method == "microsoft":
        return providers.microsoft_identity(_required(credentials, "microsoft_token"))
    if login_method == "apple":
        if credentials.get("apple_token"):
            return providers.apple_identity(credentials["apple_token"])
        if credentials.get("apple_authorization_code"):
            return providers.apple_identity_from_code(credentials["apple_authorization_code"])
        raise Invalid("apple_token: required (or apple_authorization_code)")
    raise Invalid(f"login_method: unsupported login method {login_method!r}")


def _required(data: dict[str, Any], field: str) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value:
        raise Invalid(f"{field}: required for this login method")
    return value


def login_with_identity(identity: providers.Identity, *, app_version: str | None = None) -> User:
    """A verified social identity: the account of its e-mail (registered now if unknown).

    A known account gets the provider id stored when it has none; another id → 400. The
    provider's name replaces the user's name.
    """
    field = PROVIDER_ID_FIELDS[identity.provider]
    if len(identity.email) > 255 or len(identity.subject) > 255:
        raise Invalid(f"the {identity.provider} account's e-mail or id is too long")
    if identity.name:
        identity = replace(identity, name=identity.name[:255])
    for _ in range(2):  # a concurrent first login may create the account between lookup and insert
        user = user_by_email(identity.email)
        if user is None:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(
                        identity.email, None, name=identity.name, **{field: identity.subject}
                    )
            except IntegrityError:
                continue
            _after_registration(user, method=identity.provider, app_version=app_version)
            return user
        if not user.is_active:
            raise Forbidden(DISABLED)
        current = getattr(user, field)
        if current and current != identity.subject:
            raise Invalid(f"this e-mail is linked to another {identity.provider} account")
        changes = {}
        if not current:
            changes[field] = identity.subject
        if identity.name:
            changes["name"] = identity.name
        if changes:
            User.objects.filter(pk=user.pk).update(**changes)
            for key, value in changes.items():
                setattr(user, key, value)
        return user
    raise Conflict("account created concurrently, try again")


# --- registration ------------------------------------------------------------------------------------


def register(
    *,
    email: str,
    name: str,
    password: str,
    language_code: str = "en",
    skip_user_validation: bool = False,
    by_admin: bool = False,
    app_version: str | None = None,
) -> User:
    """PUT /user: a new account with a password.

    ``skip_user_validation`` (an admin creating an account, refused to anyone else) pre-accepts the
    terms and onboarding, and e-mails the user a link to replace the temporary password.
    """
    if skip_user_validation and not by_admin:
        raise Forbidden("skip_user_validation: only an admin may create pre-validated accounts")
    check_new_password(password)
    if user_by_email(email) is not None:
        raise Conflict("Email already exists.")
    now = timezone.now()
    extra: dict[str, Any] = {"name": name, "language_code": language_code}
    if skip_user_validation:
        extra.update(terms_and_conditions_accepted=now, onboarding_presented=now)
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, password, **extra)
            if skip_user_validation:
                transaction.on_commit(lambda: send_password_link.delay(user.pk, "temporary_password"))
    except IntegrityError:
        raise Conflict("Email already exists.") from None
    _after_registration(user, method="email_password", app_version=app_version)
    return user


def _after_registration(user: User, *, method: str, app_version: str | None) -> None:
    (Path(settings.DATA_DIR) / "users" / user.pk).mkdir(parents=True, exist_ok=True)
    notify_admins(
        "New user registered",
        f"user_id: {user.pk}\nemail: {user.email}\nname: {user.name}\nmethod: {method}\napp_version: {app_version}",
    )
    logger.info("user %s registered (%s)", user.pk, method)


# --- passwords -----------------------------------------------------------------------------------------


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does (new salt each time): a reset link made before the last
    change no longer matches, which makes each link single-use."""
    material = f"{user.pk}|{user.password or ''}|{user.is_active}".encode()
    return hmac.new(settings.RESET_PASSWORD_JWT_SECRET.encode(), material, hashlib.sha256).hexdigest()[:32]


def make_reset_token(user: User, *, now: datetime | None = None) -> str:
    """The original's reset JWT (``sub`` = user id + splitter + noise + time, ``exp`` = now + 10
    min) plus ``pwd``, a fingerprint of the current password hash."""
    now = now or datetime.now(UTC)
    subject = f"{user.pk}{settings.RESET_PASSWORD_SECRET_KEY}{secrets.token_hex(5)}{now.isoformat()}"
    claims = {
        "iat": now,
        "exp": now + timedelta(minutes=settings.RESET_PASSWORD_VALIDITY_MINUTES),
        "sub": subject,
        "pwd": _password_fingerprint(user),
    }
    return jwt.encode(claims, settings.RESET_PASSWORD_JWT_SECRET, algorithm=settings.JWT_ALGORITHM)


def password_link(user: User) -> str:
    return f"{settings.MOJODEX_WEBAPP_URI}/auth/reset-password?token={make_reset_token(user)}"


def user_for_reset_token(token: str) -> User:
    """The active user a reset token names, while the link is fresh and unused; ``Forbidden``
    ("Link expired" / "Invalid link") otherwise."""
    try:
        claims = jwt.decode(
            token,
            settings.RESET_PASSWORD_JWT_SECRET,
            algorithms=[settings.JWT_ALGORITHM],
            options={"require": ["exp", "sub"]},  # a link without exp would never expire
        )
    except jwt.ExpiredSignatureError:
        raise Forbidden(LINK_EXPIRED) from None
    except jwt.PyJWTError:
        raise Forbidden(LINK_INVALID) from None
    subject = claims.get("sub")
    if not isinstance(subject, str) or settings.RESET_PASSWORD_SECRET_KEY not in subject:
        raise Forbidden(LINK_INVALID)
    user = User.objects.filter(pk=subject.split(settings.RESET_PASSWORD_SECRET_KEY)[0], is_active=True).first()
    if user is None or not hmac.compare_digest(str(claims.get("pwd", "")), _password_fingerprint(user)):
        raise Forbidden(LINK_INVALID)
    return user


def request_password_reset(email: str) -> User:
    """PUT /password: e-mail a reset link (made by the worker) to the account of ``email``."""
    user = user_by_email(email)
    if user is None or not user.is_active:
        raise Missing("Email not found")
    transaction.on_commit(lambda: send_password_link.delay(user.pk, "reset_password"))
    return user


@transaction.atomic
def reset_password(token: str, new_password: str) -> User:
    """POST /password: set the password of the link's user; the link is then spent."""
    user = user_for_reset_token(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    user_for_reset_token(token)  # again under the lock: two concurrent uses, only one wins
    check_new_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoke_tokens(user.pk)  # whoever held a token before the reset is signed out
    logger.info("password of user %s reset", user.pk)
    return user


@transaction.atomic
def change_password(user: User, old_password: str, new_password: str) -> str:
    """Signed-in change: the current password must be right (accounts without one use the link).
    Every earlier token is revoked; the answer is a fresh token for the caller."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not has_password(user):
        raise Invalid("old_password: this account has no password; ask for a reset link instead")
    if not user.check_password(old_password):
        raise Invalid("old_password: wrong password")
    check_new_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    version = revoke_tokens(user.pk)
    logger.info("password of user %s changed", user.pk)
    return issue_token(user.pk, version=version)


# --- deletion ------------------------------------------------------------------------------------------


@transaction.atomic
def delete_account(user: User) -> None:
    """DELETE /user: revoke access and anonymise the account (rows are kept, not erased).

    The account is disabled (its tokens stop working at once), its identity is replaced
    (``deleted-<user_id>@deleted.invalid``, no name, no password, no provider ids, no profile
    texts), its purchases are deactivated, its push tokens dropped and its vocabulary deleted. Its
    conversations, executions and produced texts stay in the database, reachable by no user; the
    e-mail address becomes free for a new registration.

    Purchases belong to a higher layer: ``account_deleted`` is sent with the user row locked,
    inside this transaction, and products' handler deactivates them (rolled back together).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    account_deleted.send(sender=User, user=user)
    Device.objects.filter(user=user).update(valid=False, fcm_token="")
    UserVocabulary.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.set_unusable_password()
    for field in (
        "name",
        "google_id",
        "microsoft_id",
        "apple_id",
        "summary",
        "company_description",
        "goal",
        "timezone_offset",
    ):
        setattr(user, field, None)
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.todo_email_reception = False
    user.save()
    notify_admins("Account deleted", f"user_id: {user.pk} deleted their account.")
    logger.info("account %s deleted (anonymised)", user.pk)
