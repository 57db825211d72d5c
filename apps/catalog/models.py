"""The task catalogue: tasks, their localized data, platforms, predefined actions, workflow step
definitions, text types and text-edit actions (the original's ``md_`` tables)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class TaskType(models.TextChoices):
    """The original's ``_task_type`` enum."""

    INSTRUCT = "instruct"
    WORKFLOW = "workflow"


class TextType(models.Model):
    """A kind of produced text (``md_text_type``): meeting_minutes, email, document, poem…"""

    id = models.AutoField(primary_key=True, db_column="text_type_pk")
    name = models.CharField(max_length=255)

    class Meta:
        db_table = "md_text_type"
        ordering = ("id",)

    def __str__(self) -> str:
        return self.name


class Platform(models.Model):
    """A client platform a task can be offered on (``md_platform``): mobile, webapp…"""

    id = models.AutoField(primary_key=True, db_column="platform_pk")
    name = models.CharField(max_length=255)

    class Meta:
        db_table = "md_platform"
        ordering = ("id",)

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """A task definition shared by all users (``md_task``): one instruct prompt or a workflow."""

    id = models.AutoField(primary_key=True, db_column="task_pk")
    type = models.CharField(max_length=255, choices=TaskType.choices, default=TaskType.INSTRUCT, db_default="instruct")
    name_for_system = models.CharField(max_length=255, help_text="snake_case name used in prompts and logs")
    definition_for_system = models.TextField()
    final_instruction = models.TextField(null=True, blank=True)
    icon = models.CharField(max_length=255, null=True, blank=True)
    output_text_type = models.ForeignKey(
        TextType,
        on_delete=models.PROTECT,
        db_column="output_text_type_fk",
        null=True,
        blank=True,
        related_name="tasks",
    )
    output_format_instruction_title = models.CharField(max_length=255, null=True, blank=True)
    output_format_instruction_draft = models.CharField(max_length=255, null=True, blank=True)
    visible_for_teasing = models.BooleanField(default=False, db_default=False)
    infos_to_extract = models.JSONField(null=True, blank=True)
    result_chat_enabled = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = "md_task"
        ordering = ("name_for_system", "id")
        constraints = [
            models.CheckConstraint(condition=models.Q(type__in=TaskType.values), name="md_task_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name_for_system} ({self.type})"


class TaskDisplayedData(models.Model):
    """A task's name, description and input form in one language (``md_task_displayed_data``)."""

    id = models.AutoField(primary_key=True, db_column="task_displayed_data_pk")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, db_column="task_fk", related_name="displayed_data")
    language_code = models.CharField(max_length=2)
    name_for_user = models.CharField(max_length=255)
    definition_for_user = models.TextField()
    json_input = models.JSONField(help_text="list of form inputs")

    class Meta:
        db_table = "md_task_displayed_data"
        verbose_name_plural = "task displayed data"
        ordering = ("task_id", "language_code", "id")

    def __str__(self) -> str:
        return f"{self.name_for_user} [{self.language_code}]"


class TaskPlatformAssociation(models.Model):
    """A platform on which a task is offered (``md_task_platform_association``)."""

    id = models.AutoField(primary_key=True, db_column="task_platform_association_pk")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, db_column="task_fk", related_name="platform_associations")
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, db_column="platform_fk", related_name="task_associations"
    )

    class Meta:
        db_table = "md_task_platform_association"
        ordering = ("task_id", "platform_id", "id")

    def __str__(self) -> str:
        return f"task {self.task_id} on platform {self.platform_id}"


class TaskPredefinedActionAssociation(models.Model):
    """A follow-up offered after a task: launch another task on the same subject
    (``md_task_predefined_action_association``; the action is itself a task)."""

    id = models.AutoField(primary_key=True, db_column="task_predefined_action_association_pk")
    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, db_column="task_fk", related_name="predefined_action_associations"
    )
    predefined_action = models.ForeignKey(
        Task,
        on_delete=models.PROTECT,
        db_column="predefined_action_fk",
        related_name="offered_as_predefined_action",
    )

    class Meta:
        db_table = "md_task_predefined_action_association"
        ordering = ("task_id", "id")

    def __str__(self) -> str:
        return f"task {self.task_id} → predefined action task {self.predefined_action_id}"


class PredefinedActionDisplayedData(models.Model):
    """Button data of a predefined action in one language (``md_predefined_action_displayed_data``):
    ``displayed_data`` is ``{name, button_text, message_prefix}``."""

    id = models.AutoField(primary_key=True, db_column="predefined_action_displayed_data_pk")
    task_predefined_action_association = models.ForeignKey(
        TaskPredefinedActionAssociation,
        on_delete=models.PROTECT,
        db_column="task_predefined_action_association_fk",
        related_name="displayed_data",
    )
    language_code = models.CharField(max_length=2)
    displayed_data = models.JSONField()

    class Meta:
        db_table = "md_predefined_action_displayed_data"
        verbose_name_plural = "predefined action displayed data"
        ordering = ("task_predefined_action_association_id", "language_code", "id")

    def __str__(self) -> str:
        name = self.displayed_data.get("name") if isinstance(self.displayed_data, dict) else None
        label = name or f"predefined action {self.task_predefined_action_association_id}"
        return f"{label} [{self.language_code}]"


class WorkflowStep(models.Model):
    """One step of a workflow task (``md_workflow_step``), run by the code named ``name_for_system``."""

    id = models.AutoField(primary_key=True, db_column="workflow_step_pk")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, db_column="task_fk", related_name="workflow_steps")
    name_for_system = models.CharField(max_length=255)
    rank = models.IntegerField(help_text="1-based position in the workflow")
    user_validation_required = models.BooleanField(default=True, db_default=True)
    review_chat_enabled = models.BooleanField(default=False, db_default=False)
    definition_for_system = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        db_table = "md_workflow_step"
        ordering = ("task_id", "rank", "id")

    def __str__(self) -> str:
        return f"{self.rank}. {self.name_for_system}"


class WorkflowStepDisplayedData(models.Model):
    """A workflow step's name and description in one language (``md_workflow_step_displayed_data``)."""

    id = models.AutoField(primary_key=True, db_column="workflow_step_displayed_data_pk")
    workflow_step = models.ForeignKey(
        WorkflowStep, on_delete=models.PROTECT, db_column="workflow_step_fk", related_name="displayed_data"
    )
    language_code = models.CharField(max_length=2)
    name_for_user = models.CharField(max_length=255)
    definition_for_user = models.TextField()

    class Meta:
        db_table = "md_workflow_step_displayed_data"
        verbose_name_plural = "workflow step displayed data"
        ordering = ("workflow_step_id", "language_code", "id")

    def __str__(self) -> str:
        return f"{self.name_for_user} [{self.language_code}]"


class TextEditAction(models.Model):
    """A one-click rewrite of a produced text (``md_text_edit_action``): shorter, more formal…"""

    id = models.AutoField(primary_key=True, db_column="text_edit_action_pk")
    emoji = models.CharField(max_length=255)
    prompt_file_name = models.CharField(max_length=255)

    class Meta:
        db_table = "md_text_edit_action"
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.emoji} {self.prompt_file_name}"


class TextEditActionDisplayedData(models.Model):
    """A text-edit action's name and description in one language
    (``md_text_edit_action_displayed_data``)."""

    id = models.AutoField(primary_key=True, db_column="text_edit_action_displayed_data_pk")
    text_edit_action = models.ForeignKey(
        TextEditAction, on_delete=models.PROTECT, db_column="text_edit_action_fk", related_name="displayed_data"
    )
    language_code = models.CharField(max_length=2)
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=255)

    class Meta:
        db_table = "md_text_edit_action_displayed_data"
        verbose_name_plural = "text edit action displayed data"
        ordering = ("text_edit_action_id", "language_code", "id")

    def __str__(self) -> str:
        return f"{self.name} [{self.language_code}]"


class TextEditActionTextTypeAssociation(models.Model):
    """A text type a text-edit action applies to (``md_text_edit_action_text_type_association``)."""

    id = models.AutoField(primary_key=True, db_column="text_edit_action_text_type_association_pk")
    text_type = models.ForeignKey(
        TextType, on_delete=models.PROTECT, db_column="text_type_fk", related_name="text_edit_action_associations"
    )
    text_edit_action = models.ForeignKey(
        TextEditAction, on_delete=models.PROTECT, db_column="text_edit_action_fk", related_name="text_type_associations"
    )

    class Meta:
        db_table = "md_text_edit_action_text_type_association"
        ordering = ("text_type_id", "text_edit_action_id", "id")

    def __str__(self) -> str:
        return f"text edit action {self.text_edit_action_id} for text type {self.text_type_id}"


class TaskJsonRequestStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class TaskJsonRequest(models.Model):
    """A ``POST /task_json`` request and its outcome (not in the original, which answered inline).

    The draft definition is generated by a Celery task on queue ``llm``; the row is the durable
    state the admin polls (``GET /task_json``), so nothing depends on Celery result expiry.
    """

    id = models.BigAutoField(primary_key=True)
    task_requirements = models.TextField()
    status = models.CharField(
        max_length=16, choices=TaskJsonRequestStatus.choices, default=TaskJsonRequestStatus.PENDING
    )
    result = models.JSONField(null=True, blank=True, help_text="the generated task definition (PUT /task body)")
    error = models.TextField(null=True, blank=True)
    attempts = models.IntegerField(default=0)
    creation_date = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "catalog_task_json_request"
        ordering = ("-creation_date", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=TaskJsonRequestStatus.values), name="catalog_task_json_request_status"
            ),
        ]

    def __str__(self) -> str:
        return f"task_json request {self.pk} ({self.status})"
