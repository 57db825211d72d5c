"""Notifications sent to users (``md_event``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


class Event(models.Model):
    """A notification actually sent to a user (``md_event``): an e-mail or a push.

    ``message`` is the payload: ``{subject, body, email}`` for e-mails, ``{title, body}`` for pushes.
    """

    id = models.AutoField(primary_key=True, db_column="event_pk")
    creation_date = models.DateTimeField(default=timezone.now, db_default=Now())
    event_type = models.CharField(max_length=255, help_text="e.g. welcome_email, todo_daily_email")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, db_column="user_id", related_name="events"
    )
    message = models.JSONField()

    class Meta:
        db_table = "md_event"
        ordering = ("-creation_date", "-id")

    def __str__(self) -> str:
        return f"{self.event_type} to {self.user_id} at {self.creation_date:%Y-%m-%d %H:%M}"
