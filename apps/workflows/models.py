"""Workflow runs: each execution of a workflow step and the versions of its result."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


class StepResultAuthor(models.TextChoices):
    """The original's ``_step_result_author`` enum: who wrote a step result."""

    ASSISTANT = "assistant"
    USER = "user"


class StepStatus(models.TextChoices):
    """Where a step execution is in its life (a column the original did not have)."""

    PENDING = "pending"  # created, waiting for a worker to claim it
    RUNNING = "running"  # claimed by a worker that refreshes ``heartbeat_at``
    DONE = "done"  # its result is recorded
    FAILED = "failed"  # ``error_status`` says why
    CANCELLED = "cancelled"  # invalidated before a worker ran it


class UserWorkflowStepExecution(models.Model):
    """One execution of one workflow step with one parameter (``md_user_workflow_step_execution``).

    ``validated`` is empty while awaiting the user's review, true when accepted, false when rejected.

    The columns after ``error_status`` are ours (declared in ``tests/data/md_schema_expected.json``):
    the explicit state of a durable step run. A worker claims a row with a conditional update
    (``pending`` → ``running``, or a ``running`` row whose heartbeat is older than the lease);
    ``attempts`` counts the claims and is the fencing token a worker must still hold when it
    records the result. A step that fans out over the N items of its predecessor's result gets one
    row per item: ``item_index`` orders them and ``fan_out_source_pk`` names the step execution
    whose result they come from (a plain integer, not a foreign key: the md_ foreign keys are the
    original's).
    """

    id = models.AutoField(primary_key=True, db_column="user_workflow_step_execution_pk")
    user_task_execution = models.ForeignKey(
        "executions.UserTaskExecution",
        on_delete=models.PROTECT,
        db_column="user_task_execution_fk",
        related_name="step_executions",
    )
    workflow_step = models.ForeignKey(
        "catalog.WorkflowStep", on_delete=models.PROTECT, db_column="workflow_step_fk", related_name="executions"
    )
    creation_date = models.DateTimeField(default=timezone.now, db_default=Now())
    parameter = models.JSONField(help_text="the step's input (a JSON object)")
    validated = models.BooleanField(null=True, blank=True)
    learned_instruction = models.TextField(null=True, blank=True)
    error_status = models.JSONField(null=True, blank=True, help_text="{datetime, error} when the step failed")
    status = models.CharField(
        max_length=16, choices=StepStatus.choices, default=StepStatus.PENDING, db_default=StepStatus.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=255, blank=True, default="", db_default="", help_text="worker:pid")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.IntegerField(default=0, db_default=0, help_text="claims so far (the fencing token)")
    error = models.TextField(blank=True, default="", db_default="")
    item_index = models.IntegerField(default=0, db_default=0, help_text="position in its fan-out")
    fan_out_source_pk = models.IntegerField(
        null=True, blank=True, help_text="the step execution whose result item is this one's parameter"
    )

    class Meta:
        db_table = "md_user_workflow_step_execution"
        ordering = ("user_task_execution_id", "creation_date", "id")
        indexes = [
            models.Index(
                fields=("status", "heartbeat_at"),
                condition=models.Q(status__in=("pending", "running")),
                name="md_uwse_unfinished_idx",
            )
        ]

    def __str__(self) -> str:
        return f"step {self.workflow_step_id} of execution {self.user_task_execution_id} (#{self.pk})"


class UserWorkflowStepExecutionResult(models.Model):
    """A version of a step execution's result (``md_user_workflow_step_execution_result``);
    the latest is the result."""

    id = models.AutoField(primary_key=True, db_column="user_workflow_step_execution_result_pk")
    user_workflow_step_execution = models.ForeignKey(
        UserWorkflowStepExecution,
        on_delete=models.PROTECT,
        db_column="user_workflow_step_execution_fk",
        related_name="results",
    )
    creation_date = models.DateTimeField(default=timezone.now, db_default=Now())
    result = models.JSONField(help_text="the step's output (a JSON list of objects)")
    author = models.CharField(
        max_length=255, choices=StepResultAuthor.choices, default=StepResultAuthor.ASSISTANT, db_default="assistant"
    )

    class Meta:
        db_table = "md_user_workflow_step_execution_result"
        ordering = ("user_workflow_step_execution_id", "creation_date", "id")
        get_latest_by = ("creation_date", "id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(author__in=StepResultAuthor.values),
                name="md_user_workflow_step_execution_result_author_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"result {self.pk} of step execution {self.user_workflow_step_execution_id} by {self.author}"
