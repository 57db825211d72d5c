"""Task executions: the tasks a user may run, each run, and the texts runs produce."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from pgvector.django import VectorField

EMBEDDING_DIMENSIONS = 1536


class UserTask(models.Model):
    """A task a user has access to (``md_user_task``), enabled and disabled by purchases."""

    id = models.AutoField(primary_key=True, db_column="user_task_pk")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, db_column="user_id", related_name="user_tasks"
    )
    task = models.ForeignKey("catalog.Task", on_delete=models.PROTECT, db_column="task_fk", related_name="user_tasks")
    enabled = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = "md_user_task"
        ordering = ("user_id", "id")

    def __str__(self) -> str:
        return f"task {self.task_id} for {self.user_id}" + ("" if self.enabled else " (disabled)")


class UserTaskExecution(models.Model):
    """One run of a task by a user (``md_user_task_execution``), with its dedicated session.

    ``start_date`` stays empty until the form is submitted or the first message arrives; such
    executions are hidden from lists.
    """

    id = models.AutoField(primary_key=True, db_column="user_task_execution_pk")
    user_task = models.ForeignKey(
        UserTask, on_delete=models.PROTECT, db_column="user_task_fk", related_name="executions"
    )
    start_date = models.DateTimeField(null=True, blank=True)
    json_input_values = models.JSONField(help_text="the task's inputs in the user's language, each with its value")
    session = models.ForeignKey(
        "chat.Session", on_delete=models.PROTECT, db_column="session_id", related_name="user_task_executions"
    )
    end_date = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(null=True, blank=True)
    title = models.CharField(max_length=255, null=True, blank=True)
    predefined_action_from_user_task_execution = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        db_column="predefined_action_from_user_task_execution_fk",
        null=True,
        blank=True,
        related_name="predefined_action_executions",
    )
    todos_extracted = models.DateTimeField(null=True, blank=True)
    deleted_by_user = models.DateTimeField(null=True, blank=True)
    purchase = models.ForeignKey(
        "products.Purchase",
        on_delete=models.PROTECT,
        db_column="purchase_fk",
        null=True,
        blank=True,
        related_name="user_task_executions",
    )

    class Meta:
        db_table = "md_user_task_execution"
        ordering = ("-start_date", "-id")

    def __str__(self) -> str:
        return self.title or f"execution {self.pk} of user task {self.user_task_id}"


class ProducedText(models.Model):
    """A text produced for a user (``md_produced_text``); its content lives in versions."""

    id = models.AutoField(primary_key=True, db_column="produced_text_pk")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, db_column="user_id", related_name="produced_texts"
    )
    user_task_execution = models.ForeignKey(
        UserTaskExecution,
        on_delete=models.PROTECT,
        db_column="user_task_execution_fk",
        null=True,
        blank=True,
        related_name="produced_texts",
    )
    session = models.ForeignKey(
        "chat.Session",
        on_delete=models.PROTECT,
        db_column="session_id",
        null=True,
        blank=True,
        related_name="produced_texts",
    )
    deleted_by_user = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "md_produced_text"
        ordering = ("-id",)

    def __str__(self) -> str:
        return f"produced text {self.pk} of {self.user_id}"


class ProducedTextVersion(models.Model):
    """An immutable version of a produced text (``md_produced_text_version``); the latest is current.

    ``embedding`` embeds ``title\\n\\nproduction``; it stays empty when embedding failed.
    """

    id = models.AutoField(primary_key=True, db_column="produced_text_version_pk")
    creation_date = models.DateTimeField(default=timezone.now)
    production = models.TextField()
    title = models.TextField(null=True, blank=True)
    produced_text = models.ForeignKey(
        ProducedText, on_delete=models.PROTECT, db_column="produced_text_fk", related_name="versions"
    )
    text_type = models.ForeignKey(
        "catalog.TextType",
        on_delete=models.PROTECT,
        db_column="text_type_fk",
        null=True,
        blank=True,
        related_name="produced_text_versions",
    )
    read_by_user = models.DateTimeField(null=True, blank=True)
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)

    class Meta:
        db_table = "md_produced_text_version"
        ordering = ("produced_text_id", "creation_date", "id")
        get_latest_by = ("creation_date", "id")

    def __str__(self) -> str:
        return self.title or f"version {self.pk} of produced text {self.produced_text_id}"
