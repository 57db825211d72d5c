"""Conversations: sessions, their messages, weekly home chats and the error log."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


class Sender(models.TextChoices):
    """The original's ``md_sender_`` enum: who wrote a message (``mojo`` is the assistant)."""

    MOJO = "mojo"
    USER = "user"
    SYSTEM = "system"


class PlatformName(models.TextChoices):
    """The original's ``platform_name`` enum: the client a session was opened from."""

    CHROME = "chrome"
    WEBAPP = "webapp"
    OUTLOOK = "outlook"
    MOBILE = "mobile"


class SessionMode(models.TextChoices):
    """The original's ``_session_mode`` enum: how a session started."""

    CHAT = "chat"
    FORM = "form"


def new_session_id() -> str:
    """32-hex id like the original's: md5 of random bytes and the time (not a sequence)."""
    return hashlib.md5(f"{secrets.token_hex(16)}_mojodex_{timezone.now().isoformat()}".encode()).hexdigest()


class Session(models.Model):
    """A conversation (``md_session``): free chat, a task execution's chat, or a home chat."""

    id = models.CharField(
        primary_key=True, max_length=255, db_column="session_id", default=new_session_id, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, db_column="user_id", related_name="sessions"
    )
    creation_date = models.DateTimeField(default=timezone.now)
    language = models.CharField(max_length=5, default="en", db_default="en")
    platform = models.CharField(max_length=255, choices=PlatformName.choices, null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=255, null=True, blank=True)
    starting_mode = models.CharField(max_length=255, choices=SessionMode.choices, null=True, blank=True)
    deleted_by_user = models.BooleanField(default=False, db_default=False)

    class Meta:
        db_table = "md_session"
        ordering = ("-creation_date",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(platform__isnull=True) | models.Q(platform__in=PlatformName.values),
                name="md_session_platform_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(starting_mode__isnull=True) | models.Q(starting_mode__in=SessionMode.values),
                name="md_session_starting_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"session {self.pk}"


class Message(models.Model):
    """One message of a session (``md_message``); its content is free JSON (``text``, ``message_id``…).

    ``message_date`` (the device's time for user messages) orders a conversation; ``read_by_user``
    is the client's acknowledgement.
    """

    id = models.AutoField(primary_key=True, db_column="message_pk")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, db_column="session_id", related_name="messages")
    sender = models.CharField(max_length=255, choices=Sender.choices)
    message = models.JSONField()
    creation_date = models.DateTimeField(default=timezone.now)
    event_name = models.CharField(max_length=255, null=True, blank=True)
    read_by_user = models.DateTimeField(null=True, blank=True)
    message_date = models.DateTimeField(default=timezone.now)
    in_error_state = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "md_message"
        ordering = ("message_date", "id")
        constraints = [
            models.CheckConstraint(condition=models.Q(sender__in=Sender.values), name="md_message_sender_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} message {self.pk} in session {self.session_id}"


class HomeChat(models.Model):
    """A weekly home-screen chat prepared in advance with its welcome message (``md_home_chat``).

    ``start_date`` is empty until the user opens it.
    """

    id = models.AutoField(primary_key=True, db_column="home_chat_pk")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, db_column="session_id", related_name="home_chats")
    creation_date = models.DateTimeField(default=timezone.now, db_default=Now())
    start_date = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, db_column="user_id", related_name="home_chats"
    )
    week = models.DateField(help_text="Monday of the week the chat belongs to")

    class Meta:
        db_table = "md_home_chat"
        ordering = ("-week", "-id")

    def __str__(self) -> str:
        return f"home chat of {self.user_id} for week {self.week}"


class Error(models.Model):
    """An error recorded for the operators (``md_error``), with its session when there is one."""

    id = models.AutoField(primary_key=True, db_column="error_pk")
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, db_column="session_id", null=True, blank=True, related_name="errors"
    )
    message = models.TextField()
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "md_error"
        ordering = ("-creation_date", "-id")

    def __str__(self) -> str:
        first_line = self.message.splitlines()[0] if self.message else ""
        return f"error {self.pk}: {first_line[:80]}"


# --- Real-time delivery and generation state (tables of this project, not of the original) -----


class SessionSequence(models.Model):
    """The last event number of a session; incremented in the transaction that logs an event."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, primary_key=True, db_column="session_id", related_name="sequence"
    )
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "mojodex_session_sequence"

    def __str__(self) -> str:
        return f"{self.session_id}: {self.last_seq}"


class SessionEvent(models.Model):
    """A durable event of a session (message, draft, title, step event, error), numbered by ``seq``.

    Postgres is the record; Redis only carries it live. A client reconnecting with its last seen
    ``seq`` gets every later event from here. Events that need the client's acknowledgement keep
    ``acked_at`` empty until it arrives and are re-sent until then.
    """

    id = models.BigAutoField(primary_key=True)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, db_column="session_id", related_name="events")
    seq = models.PositiveIntegerField()
    event = models.CharField(max_length=64)
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    requires_ack = models.BooleanField(default=False)
    ack_key = models.CharField(max_length=64, blank=True, default="", help_text="message:<pk> or version:<pk>")
    acked_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveIntegerField(default=1)
    last_sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "mojodex_session_event"
        ordering = ("session", "seq")
        constraints = [models.UniqueConstraint(fields=("session", "seq"), name="mojodex_session_event_seq_unique")]
        indexes = [
            models.Index(
                fields=("last_sent_at",),
                condition=models.Q(requires_ack=True, acked_at__isnull=True),
                name="mojodex_event_unacked_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.seq} {self.event}"


class Generation(models.Model):
    """One assistant turn to produce, with explicit state so a redelivered task runs it once.

    A Celery task claims the row (``pending`` → ``running``) with a conditional update; while it
    streams it refreshes ``heartbeat_at``. A running row whose heartbeat is older than the lease
    belonged to a dead worker and may be claimed again.
    """

    class Kind(models.TextChoices):
        REPLY = "reply"  # answer to a user chat message
        FORM = "form"  # first run of an instruct task from its input form
        TEXT_EDIT = "text_edit"  # a text-edit action on a produced text

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    id = models.BigAutoField(primary_key=True)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, db_column="session_id", related_name="generations")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    user_message = models.OneToOneField(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="generation"
    )
    user_task_execution = models.ForeignKey(
        "executions.UserTaskExecution", on_delete=models.CASCADE, null=True, blank=True, related_name="generations"
    )
    text_edit_action = models.ForeignKey(
        "catalog.TextEditAction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    produced_text_version = models.ForeignKey(
        "executions.ProducedTextVersion", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    options = models.JSONField(default=dict, blank=True, help_text="platform, placeholder flags")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    result_message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        db_table = "mojodex_generation"
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("user_task_execution",),
                condition=models.Q(kind="form"),
                name="mojodex_generation_one_form_run",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["reply", "form", "text_edit"]), name="mojodex_generation_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running", "done", "failed"]),
                name="mojodex_generation_status_valid",
            ),
        ]
        indexes = [models.Index(fields=("status", "heartbeat_at"), name="mojodex_generation_status_idx")]

    def __str__(self) -> str:
        return f"{self.kind} generation {self.pk} ({self.status})"
