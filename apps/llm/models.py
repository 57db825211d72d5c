"""Models of the LLM layer: one row per provider call (cost and latency accounting)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class LLMCall(models.Model):
    """One call to a provider: chat completion, embedding batch or transcription.

    A call that failed and was retried or fell back to another model leaves one ``error`` row per
    failed attempt besides the final row. ``user_task_execution_pk`` is a plain column (the
    execution may be deleted, the cost stays). The costs CSV export reads this table.
    """

    class Kind(models.TextChoices):
        CHAT = "chat", "chat"
        EMBEDDING = "embedding", "embedding"
        TRANSCRIPTION = "transcription", "transcription"

    class Status(models.TextChoices):
        OK = "ok", "ok"
        STOPPED = "stopped", "stopped by the caller"
        ERROR = "error", "error"

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CHAT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_column="user_id",
        related_name="+",
    )
    user_task_execution_pk = models.BigIntegerField(null=True, blank=True)
    task_name_for_system = models.CharField(max_length=255, blank=True, default="")
    label = models.CharField(max_length=255, blank=True, default="", help_text="MPT file name or call label")
    provider = models.CharField(max_length=32)
    model = models.CharField(max_length=255)
    section = models.CharField(max_length=255, blank=True, default="", help_text="provider file section")
    prompt_tokens = models.PositiveIntegerField(default=0, help_text="first message (system prompt)")
    conversation_tokens = models.PositiveIntegerField(default=0, help_text="the other messages")
    completion_tokens = models.PositiveIntegerField(default=0)
    audio_seconds = models.FloatField(null=True, blank=True)
    cost = models.DecimalField(max_digits=14, decimal_places=8, null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    time_to_first_token_ms = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OK)
    attempt = models.PositiveSmallIntegerField(default=1)
    error = models.TextField(blank=True, default="")

    class Meta:
        db_table = "llm_call"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["created_at"], name="llm_call_created_idx"),
            models.Index(fields=["user", "created_at"], name="llm_call_user_created_idx"),
            models.Index(fields=["user_task_execution_pk"], name="llm_call_execution_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.provider}/{self.model} {self.status}"

    @property
    def tokens_in(self) -> int:
        return self.prompt_tokens + self.conversation_tokens

    @property
    def tokens_out(self) -> int:
        return self.completion_tokens
