"""Worker side of a step execution: claim it, run its step under a heartbeat, record the outcome once.

Exactly once in effect:

* **claim** — under the execution's lock, a conditional update moves the row from ``pending`` (or
  ``running`` with a heartbeat older than the lease: its worker died) to ``running`` and bumps
  ``attempts``. A duplicate or redelivered message finds the row ``done``/``failed`` and does
  nothing, or finds it ``running`` with a live heartbeat and raises ``StepBusy`` (the task retries
  after the lease, when a dead worker's claim has expired).
* **fence** — the worker records its result only while the row is still ``running`` with the
  ``attempts`` value of its own claim; a worker that lost its claim (it stalled past the lease and
  another took over) has its result discarded. So a step may be *started* again after a crash, but
  exactly one result is recorded.
* **heartbeat** — a thread refreshes ``heartbeat_at`` every third of the lease while the step runs;
  a SIGKILLed worker stops refreshing, and its step is claimed again by a redelivered message
  (``acks_late`` + ``reject_on_worker_lost``) or by the beat sweep ``relaunch_stale_steps``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.chat import events as chat_events
from apps.core.heartbeat import Heartbeat
from apps.llm.errors import LLMRetryableError
from apps.workflows import engine
from apps.workflows.locks import lock_execution
from apps.workflows.models import (
    StepResultAuthor,
    StepStatus,
    UserWorkflowStepExecution,
    UserWorkflowStepExecutionResult,
)
from workflow_steps.base import LearnedInstruction, PastStep, StepContext, StepError
from workflow_steps.registry import UnknownStep, get_step

logger = logging.getLogger(__name__)


class StepBusy(Exception):
    """A live worker holds the step execution; try again after the lease."""


@dataclass(frozen=True)
class Claim:
    step_execution_pk: int
    user_task_execution_pk: int
    fence: int  # the row's ``attempts`` after our claim


def lease() -> timedelta:
    return timedelta(seconds=settings.WORKFLOW_STEP_LEASE)


def claim_step(step_execution_pk: int, worker: str) -> Claim | None:
    """Take the step execution for this worker; None when there is nothing (left) to run."""
    execution_pk = (
        UserWorkflowStepExecution.objects.filter(pk=step_execution_pk)
        .values_list("user_task_execution_id", flat=True)
        .first()
    )
    if execution_pk is None:
        return None
    with transaction.atomic():
        execution = lock_execution(execution_pk)
        if execution is None or execution.deleted_by_user is not None:
            return None
        se = UserWorkflowStepExecution.objects.select_related("workflow_step").get(pk=step_execution_pk)
        now = timezone.now()
        if se.status == StepStatus.PENDING and se.validated is False:
            UserWorkflowStepExecution.objects.filter(pk=se.pk).update(status=StepStatus.CANCELLED, finished_at=now)
            return None  # rejected (a restart) before any worker ran it
        if se.status == StepStatus.RUNNING:
            if se.heartbeat_at is not None and se.heartbeat_at >= now - lease():
                raise StepBusy(f"step execution {se.pk} is running on {se.claimed_by}")
            if se.attempts >= settings.WORKFLOW_STEP_MAX_ATTEMPTS:
                _record_failure(
                    execution, se.pk, se.attempts, f"The step stopped {se.attempts} times without finishing"
                )
                return None
            logger.warning(
                "step execution %s: taking over from %s (last heartbeat %s)", se.pk, se.claimed_by, se.heartbeat_at
            )
        elif se.status != StepStatus.PENDING:
            return None  # done, failed or cancelled: a duplicate message has nothing to do
        claimable = Q(status=StepStatus.PENDING) | Q(status=StepStatus.RUNNING, heartbeat_at__lt=now - lease())
        claimed = UserWorkflowStepExecution.objects.filter(claimable, pk=se.pk, attempts=se.attempts).update(
            status=StepStatus.RUNNING,
            claimed_at=now,
            claimed_by=worker[:255],
            heartbeat_at=now,
            attempts=F("attempts") + 1,
        )
        if claimed != 1:
            return None
        claim = Claim(se.pk, execution_pk, se.attempts + 1)
        engine.notify_step(chat_events.WORKFLOW_STEP_EXECUTION_STARTED, se, execution)
        return claim


def heartbeat(claim: Claim) -> Heartbeat:
    """Refresh the claim's ``heartbeat_at`` every third of the lease while the step runs."""
    return Heartbeat(
        lambda: UserWorkflowStepExecution.objects.filter(
            pk=claim.step_execution_pk, status=StepStatus.RUNNING, attempts=claim.fence
        ).update(heartbeat_at=timezone.now()),
        interval=max(0.5, settings.WORKFLOW_STEP_LEASE / 3),
        name=f"step execution {claim.step_execution_pk}",
    )


def run_step(step_execution_pk: int, worker: str) -> None:
    """Claim and run one step execution (the body of ``tasks.execute_step``).

    Raises ``StepBusy`` (retry later) and ``LLMRetryableError`` (retry with backoff) only; any other
    failure is recorded on the step execution and told to the user.
    """
    claim = claim_step(step_execution_pk, worker)
    if claim is None:
        return
    try:
        with heartbeat(claim):
            result = execute(claim)
    except LLMRetryableError as exc:
        if claim.fence < settings.WORKFLOW_STEP_MAX_ATTEMPTS:
            release(claim)
            raise
        fail(claim, f"The language model is unavailable: {exc}")
        return
    except Exception as exc:
        if isinstance(exc, StepError | UnknownStep):
            fail(claim, str(exc))
        else:
            logger.exception("step execution %s failed", step_execution_pk)
            fail(claim, f"{type(exc).__name__}: {exc}")
        return
    finish(claim, result)


def execute(claim: Claim) -> list[dict[str, Any]]:
    """Run the step's code with what it needs from the execution (no transaction held)."""
    se = UserWorkflowStepExecution.objects.select_related(
        "workflow_step", "user_task_execution__user_task__task", "user_task_execution__user_task__user"
    ).get(pk=claim.step_execution_pk)
    execution = se.user_task_execution
    user = execution.user_task.user
    state = engine.load_state(execution)
    current_plan = engine.plan(state)
    context = StepContext(
        user_id=user.pk,
        user_name=user.name or user.email.split("@")[0],
        user_task_execution_pk=execution.pk,
        session_id=execution.session_id,
        task_name_for_system=execution.user_task.task.name_for_system,
        language=user.language_code or "en",
        timezone_offset=user.timezone_offset or 0,
        learned_instructions=tuple(
            LearnedInstruction(instruction, result) for instruction, result in engine.learned_instructions(se, state)
        ),
    )
    past = [
        PastStep(p.workflow_step.name_for_system, p.parameter, state.result(p) or [], p.learned_instruction)
        for p in engine.past_validated(se, state, current_plan)
    ]
    step = get_step(se.workflow_step.name_for_system)
    result = step.execute(dict(se.parameter), past, engine.initial_parameter(execution), context)
    has_next = any(s.rank > se.workflow_step.rank for s in state.steps)
    if has_next and not result:
        raise StepError(f"step {se.workflow_step.name_for_system} gave no item for the next step")
    return result


def finish(claim: Claim, result: list[dict[str, Any]]) -> bool:
    """Record the result (once: only while our claim holds), tell the session, move the workflow on."""
    with transaction.atomic():
        execution = lock_execution(claim.user_task_execution_pk)
        assert execution is not None
        now = timezone.now()
        recorded = UserWorkflowStepExecution.objects.filter(
            pk=claim.step_execution_pk, status=StepStatus.RUNNING, attempts=claim.fence
        ).update(status=StepStatus.DONE, finished_at=now, heartbeat_at=now, error="")
        if not recorded:
            logger.warning("step execution %s: claim %s lost, result discarded", claim.step_execution_pk, claim.fence)
            return False
        UserWorkflowStepExecutionResult.objects.create(
            user_workflow_step_execution_id=claim.step_execution_pk, result=result, author=StepResultAuthor.ASSISTANT
        )
        se = UserWorkflowStepExecution.objects.select_related("workflow_step").get(pk=claim.step_execution_pk)
        engine.notify_step(chat_events.WORKFLOW_STEP_EXECUTION_ENDED, se, execution)
        if engine.is_valid(se):
            engine.advance(execution, became_valid=se)
        return True


def fail(claim: Claim, message: str) -> bool:
    with transaction.atomic():
        execution = lock_execution(claim.user_task_execution_pk)
        assert execution is not None
        return _record_failure(execution, claim.step_execution_pk, claim.fence, message)


def _record_failure(execution: Any, step_execution_pk: int, fence: int, message: str) -> bool:
    """``error_status`` as the original, an ``ended`` event with it and an ``error`` event."""
    now = timezone.now()
    failed = UserWorkflowStepExecution.objects.filter(
        pk=step_execution_pk, status=StepStatus.RUNNING, attempts=fence
    ).update(
        status=StepStatus.FAILED,
        finished_at=now,
        error=message,
        error_status={"datetime": now.isoformat(), "error": message},
    )
    if failed:
        se = UserWorkflowStepExecution.objects.select_related("workflow_step").get(pk=step_execution_pk)
        logger.warning("step execution %s failed: %s", step_execution_pk, message)
        engine.notify_step(chat_events.WORKFLOW_STEP_EXECUTION_ENDED, se, execution)
        engine.notify_error(execution, message)
    return bool(failed)


def release(claim: Claim) -> None:
    """Give the claim back after a retryable failure: the retried task claims it again."""
    UserWorkflowStepExecution.objects.filter(
        pk=claim.step_execution_pk, status=StepStatus.RUNNING, attempts=claim.fence
    ).update(status=StepStatus.PENDING, heartbeat_at=timezone.now())


def stale_step_executions(batch: int = 500) -> list[int]:
    """Running steps whose heartbeat is older than the lease (dead worker), and pending steps no
    worker took for ``WORKFLOW_PENDING_REQUEUE_AFTER`` (lost message), of executions not deleted."""
    now = timezone.now()
    pending_since = Coalesce("heartbeat_at", "claimed_at", "creation_date")
    rows = (
        UserWorkflowStepExecution.objects.annotate(pending_since=pending_since)
        .filter(
            Q(status=StepStatus.RUNNING, heartbeat_at__lt=now - lease())
            | Q(
                status=StepStatus.PENDING,
                pending_since__lt=now - timedelta(seconds=settings.WORKFLOW_PENDING_REQUEUE_AFTER),
            ),
            user_task_execution__deleted_by_user__isnull=True,
        )
        .order_by("id")
        .values_list("pk", flat=True)[:batch]
    )
    return list(rows)


def relaunch_stale_steps(batch: int = 500) -> list[int]:
    """Queue every stale step execution again (the claim decides; duplicates do nothing)."""
    # The task module imports this one (task ↔ service): the task is looked up when called.
    from apps.workflows.tasks import execute_step

    pks = stale_step_executions(batch)
    for pk in pks:
        execute_step.delay(pk)
    if pks:
        logger.info("relaunched %s stale step executions: %s", len(pks), pks)
    return pks
