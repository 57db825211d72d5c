"""The user account, stored in the original ``md_user`` table."""

from __future__ import annotations

import hashlib
import secrets
import string
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from apps.accounts.hashers import check_werkzeug_password, is_werkzeug_hash


def new_user_id(email: str) -> str:
    """32-hex id like the original: md5 of random characters, the e-mail and the time."""
    noise = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(10))
    return hashlib.md5(f"{noise}_mojodex_{email}_{timezone.now().isoformat()}".encode()).hexdigest()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        email = self.normalize_email(email)
        extra.setdefault("id", new_user_id(email))
        extra.setdefault("language_code", "en")
        user = self.model(email=email, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A Mojodex user (``md_user``).

    ``is_staff``/``is_superuser``/``is_active`` are Django additions (Django admin access); every
    other column is the original's. ``last_login`` does not exist in ``md_user`` and is removed.
    """

    id = models.CharField(primary_key=True, max_length=255, db_column="user_id", editable=False)
    name = models.CharField(max_length=255, null=True, blank=True)
    email = models.CharField(max_length=255, unique=True)
    creation_date = models.DateTimeField(default=timezone.now)
    terms_and_conditions_accepted = models.DateTimeField(null=True, blank=True)
    language_code = models.CharField(max_length=5, null=True, blank=True)
    summary = models.TextField(null=True, blank=True)
    password = models.CharField(max_length=255, null=True, blank=True)
    google_id = models.CharField(max_length=255, null=True, blank=True)
    microsoft_id = models.CharField(max_length=255, null=True, blank=True)
    apple_id = models.CharField(max_length=255, null=True, blank=True)
    last_summary_update_date = models.DateTimeField(null=True, blank=True)
    company_description = models.TextField(null=True, blank=True)
    last_company_description_update_date = models.DateTimeField(null=True, blank=True)
    goal = models.TextField(null=True, blank=True)
    timezone_offset = models.IntegerField(null=True, blank=True)
    onboarding_presented = models.DateTimeField(null=True, blank=True)
    todo_email_reception = models.BooleanField(default=True, db_default=True)

    is_staff = models.BooleanField(default=False, db_default=False)
    is_active = models.BooleanField(default=True, db_default=True)

    last_login = None  # type: ignore[assignment]

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        db_table = "md_user"

    def __str__(self) -> str:
        return self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.id:
            self.id = new_user_id(self.email)
        super().save(*args, **kwargs)

    def check_password(self, raw_password: str | None) -> bool:
        """Also accept the original's werkzeug hashes, upgrading them to Django's on success."""
        if self.password and is_werkzeug_hash(self.password):
            if raw_password is None or not check_werkzeug_password(self.password, raw_password):
                return False
            self.set_password(raw_password)
            self.save(update_fields=["password"])
            return True
        return super().check_password(raw_password)
