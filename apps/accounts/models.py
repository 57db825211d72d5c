"""Accounts: the user (``md_user``), companies, push devices and speech-to-text vocabulary."""

from __future__ import annotations

import hashlib
import secrets
import string
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Now
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

    ``is_staff``/``is_superuser``/``is_active``/``token_version`` are Django additions (Django admin access); every
    other column is the original's. ``last_login`` does not exist in ``md_user`` and is removed.
    ``email`` is unique in the database, which the original only enforced in code: Django's auth
    needs its ``USERNAME_FIELD`` unique (docs/adr/0002-schema-mirroring.md).
    """

    id = models.CharField(primary_key=True, max_length=255, db_column="user_id", editable=False)
    name = models.CharField(max_length=255, null=True, blank=True)
    email = models.CharField(max_length=255, unique=True)
    creation_date = models.DateTimeField(default=timezone.now)
    terms_and_conditions_accepted = models.DateTimeField(null=True, blank=True)
    language_code = models.CharField(max_length=5, null=True, blank=True)
    summary = models.TextField(null=True, blank=True)
    password = models.CharField(max_length=255, null=True, blank=True)  # type: ignore[assignment]
    google_id = models.CharField(max_length=255, null=True, blank=True)
    microsoft_id = models.CharField(max_length=255, null=True, blank=True)
    apple_id = models.CharField(max_length=255, null=True, blank=True)
    company = models.ForeignKey(
        "accounts.Company",
        on_delete=models.PROTECT,
        db_column="company_fk",
        null=True,
        blank=True,
        related_name="users",
    )
    last_summary_update_date = models.DateTimeField(null=True, blank=True)
    company_description = models.TextField(null=True, blank=True)
    last_company_description_update_date = models.DateTimeField(null=True, blank=True)
    goal = models.TextField(null=True, blank=True)
    timezone_offset = models.IntegerField(null=True, blank=True)
    onboarding_presented = models.DateTimeField(null=True, blank=True)
    product_category = models.ForeignKey(
        "products.ProductCategory",
        on_delete=models.PROTECT,
        db_column="product_category_fk",
        null=True,
        blank=True,
        related_name="users",
    )
    todo_email_reception = models.BooleanField(default=True, db_default=True)

    is_staff = models.BooleanField(default=False, db_default=False)
    # Redeclared from PermissionsMixin only to add the database default, so rows inserted by SQL
    # (an adopted database, the original's services) need not know about this Django column.
    is_superuser = models.BooleanField(
        "superuser status",
        default=False,
        db_default=False,
        help_text="Designates that this user has all permissions without explicitly assigning them.",
    )
    is_active = models.BooleanField(default=True, db_default=True)
    # Raised to revoke every token issued before (password change or reset, log out everywhere);
    # a token carries the version it was issued under (apps/accounts/tokens.py).
    token_version = models.IntegerField(default=0, db_default=0, editable=False)

    last_login = None  # type: ignore[assignment,misc]

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

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


class Company(models.Model):
    """A company learned from a user's website at onboarding (``md_company``), shared by its staff."""

    id = models.AutoField(primary_key=True, db_column="company_pk")
    name = models.CharField(max_length=255, null=True, blank=True)
    creation_date = models.DateTimeField(default=timezone.now)
    website = models.CharField(max_length=255, null=True, blank=True)
    additional_info = models.JSONField(null=True, blank=True)
    emoji = models.CharField(max_length=255, null=True, blank=True)
    last_update_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "md_company"
        verbose_name_plural = "companies"
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name or self.website or f"company {self.pk}"


class Device(models.Model):
    """A mobile device registered for push notifications (``md_device``, Firebase FCM token)."""

    id = models.AutoField(primary_key=True, db_column="device_pk")
    creation_date = models.DateTimeField(default=timezone.now, db_default=Now())
    fcm_token = models.TextField()
    user = models.ForeignKey(User, on_delete=models.PROTECT, db_column="user_id", related_name="devices")
    valid = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = "md_device"
        ordering = ("-creation_date", "-id")

    def __str__(self) -> str:
        state = "valid" if self.valid else "invalid"
        return f"device {self.pk} of {self.user_id} ({state})"


class UserVocabulary(models.Model):
    """A word spelled the user's way (``md_user_vocabulary``), given to speech-to-text as a prompt."""

    id = models.AutoField(primary_key=True, db_column="user_vocabulary_pk")
    word = models.CharField(max_length=255)
    creation_date = models.DateTimeField(default=timezone.now, db_default=Now())
    user = models.ForeignKey(User, on_delete=models.PROTECT, db_column="user_id", related_name="vocabulary")

    class Meta:
        db_table = "md_user_vocabulary"
        verbose_name_plural = "user vocabulary"
        ordering = ("-creation_date", "-id")

    def __str__(self) -> str:
        return self.word
