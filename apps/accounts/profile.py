"""A user's settings and onboarding data: terms, onboarding, language, timezone, goal, company,
push devices and vocabulary.

Spelling corrections (``apps.executions.spelling``) and client error reports
(``apps.chat.client_errors``) touch layers above accounts and live there."""

from __future__ import annotations

import functools
import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Company, Device, User, UserVocabulary
from apps.accounts.tasks import learn_company_website
from apps.core.errors import Invalid, Missing

logger = logging.getLogger(__name__)

LANGUAGES_DIR = Path(__file__).resolve().parent / "languages"
MAX_TIMEZONE_OFFSET = 14 * 60  # minutes; JavaScript's getTimezoneOffset() lies within ±14 h
_HOST = re.compile(r"^(localhost|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)(:\d{1,5})?$")


# --- terms, onboarding, language, timezone, goal --------------------------------------------------


def parse_client_datetime(value: str, field: str = "datetime") -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise Invalid(f"{field}: must be an ISO 8601 date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def accept_terms(user: User, accepted_at: datetime) -> None:
    """The original stores the client's own date-time of acceptance."""
    User.objects.filter(pk=user.pk).update(terms_and_conditions_accepted=accepted_at)
    user.terms_and_conditions_accepted = accepted_at


def mark_onboarding_presented(user: User) -> None:
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(onboarding_presented=now)
    user.onboarding_presented = now


@functools.cache
def available_languages() -> dict[str, str]:
    """``{code: name}`` of the languages the interface is translated into."""
    return json.loads((LANGUAGES_DIR / "available_languages.json").read_text(encoding="utf-8"))


@functools.cache
def language_strings(code: str) -> dict[str, Any]:
    """The interface strings of a language (English for an unknown one)."""
    if code not in available_languages():
        code = "en"
    return json.loads((LANGUAGES_DIR / f"{code}.json").read_text(encoding="utf-8"))


def check_language(code: str, field: str = "language_code") -> str:
    if code not in available_languages():
        raise Invalid(f"{field}: unsupported language {code!r} (available: {', '.join(available_languages())})")
    return code


def set_language(user: User, code: str) -> None:
    check_language(code)
    User.objects.filter(pk=user.pk).update(language_code=code)
    user.language_code = code


def set_timezone_offset(user: User, offset: int) -> None:
    """``offset`` in minutes, JavaScript's convention (UTC+2 is -120)."""
    if not -MAX_TIMEZONE_OFFSET <= offset <= MAX_TIMEZONE_OFFSET:
        raise Invalid(f"timezone_offset: must be between -{MAX_TIMEZONE_OFFSET} and {MAX_TIMEZONE_OFFSET} minutes")
    User.objects.filter(pk=user.pk).update(timezone_offset=offset)
    user.timezone_offset = offset


def set_goal(user: User, goal: str) -> None:
    User.objects.filter(pk=user.pk).update(goal=goal)
    user.goal = goal


# --- push devices ---------------------------------------------------------------------------------


@transaction.atomic
def register_device(user: User, fcm_token: str) -> Device:
    """PUT /device. The same token again reuses (and re-validates) the user's row; a token moving to
    another account is invalidated for the previous one, so pushes never reach the wrong person."""
    Device.objects.filter(fcm_token=fcm_token, valid=True).exclude(user=user).update(valid=False)
    device = Device.objects.filter(user=user, fcm_token=fcm_token).order_by("-id").first()
    if device is None:
        return Device.objects.create(user=user, fcm_token=fcm_token)
    if not device.valid:
        Device.objects.filter(pk=device.pk).update(valid=True)
        device.valid = True
    return device


# --- company (onboarding: "learn my business") ------------------------------------------------------


def normalize_website(url: str) -> str:
    """Lower-case, no trailing ``/``, ``https://`` when no scheme; ``Invalid`` unless http(s) with
    a plausible host."""
    value = url.strip().lower().rstrip("/")
    if "://" not in value:
        value = f"https://{value}"
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[": an unterminated IPv6 host
        raise Invalid("website_url: invalid url") from None
    if parts.scheme not in ("http", "https") or not _HOST.match(parts.netloc or "") or len(value) > 255:
        raise Invalid("website_url: invalid url")
    return value


def company_payload(user: User) -> dict[str, Any]:
    company = user.company
    return {
        "company_pk": company.pk if company else None,
        "company_emoji": company.emoji if company else None,
        "company_name": company.name if company else None,
        "company_description": user.company_description,
    }


@transaction.atomic
def set_company_website(user: User, website_url: str) -> Company:
    """PUT /company: the user's company is the one of this website (found or created); its
    learning is queued (``apps.accounts.tasks.learn_company_website``, not implemented yet)."""
    website = normalize_website(website_url)
    company = Company.objects.filter(website=website).order_by("id").first()
    if company is None:
        company = Company.objects.create(website=website)
    User.objects.filter(pk=user.pk).update(company=company)
    user.company = company
    transaction.on_commit(lambda: learn_company_website.delay(user.pk, company.pk))
    return company


@transaction.atomic
def record_company_feedback(user: User, feedback: str | None, correct: bool | None) -> Company:
    """POST /company: keep the user's feedback on the company record for the (pending) LLM
    correction; nothing is corrected yet."""
    if user.company_id is None:
        raise Missing("company: the user has no company yet (PUT /company first)")
    company = Company.objects.select_for_update().get(pk=user.company_id)
    if feedback or correct is not None:
        info = dict(company.additional_info or {})
        info.setdefault("feedback", []).append(
            {"user_id": user.pk, "correct": correct, "feedback": feedback or "", "date": timezone.now().isoformat()}
        )
        company.additional_info = info
        company.save(update_fields=["additional_info"])
    user.company = company
    return company


def record_company_learning_request(user_pk: str, company_pk: int) -> str:
    """What ``learn_company_website`` does today: record the request, status ``pending``."""
    with transaction.atomic():
        company = Company.objects.select_for_update().filter(pk=company_pk).first()
        if company is None or not User.objects.filter(pk=user_pk).exists():
            return "gone"
        info = dict(company.additional_info or {})
        info["website_learning"] = {
            "status": "pending",
            "requested_by": user_pk,
            "requested_at": timezone.now().isoformat(),
            "note": "website learning is not implemented yet",
        }
        company.additional_info = info
        company.save(update_fields=["additional_info"])
    logger.info("company %s: website learning requested by %s (pending implementation)", company_pk, user_pk)
    return "pending"


# --- vocabulary -----------------------------------------------------------------------------------------


def vocabulary(user: User) -> Any:
    return UserVocabulary.objects.filter(user=user).order_by("-creation_date", "-id")


def add_word(user: User, word: str) -> UserVocabulary | None:
    if not word:
        return None
    existing = UserVocabulary.objects.filter(user=user, word=word).first()
    return existing or UserVocabulary.objects.create(user=user, word=word)


def delete_word(user: User, user_vocabulary_pk: int) -> None:
    deleted, _ = UserVocabulary.objects.filter(pk=user_vocabulary_pk, user=user).delete()
    if not deleted:
        raise Missing("user_vocabulary_pk: not found")
