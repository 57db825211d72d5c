"""Task definitions drafted by the LLM (``POST /task_json``), generated on queue ``llm``."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.catalog.definition import InvalidTaskDefinition
from apps.catalog.models import TaskJsonRequest, TaskJsonRequestStatus, TextType
from apps.catalog.services.definitions import validate_task_definition
from apps.llm import services as llm
from apps.llm.errors import RETRYABLE_ERRORS, LLMError

logger = logging.getLogger(__name__)

TASK_JSON_LANGUAGES = ("en", "fr")
# A running claim older than this belongs to a dead worker and may be claimed again.
TASK_JSON_STALE_CLAIM = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def request_task_json(task_requirements: str) -> TaskJsonRequest:
    """Store the request and, after commit, queue its generation on ``llm``."""
    # The task module imports this one (task ↔ service): the task is looked up when called.
    from apps.catalog.tasks import generate_task_json

    request = TaskJsonRequest.objects.create(task_requirements=task_requirements)
    transaction.on_commit(lambda: generate_task_json.delay(request.pk))
    return request


def draft_task_definition(task_requirements: str) -> dict[str, Any]:
    """Ask the LLM for a definition of the described task (``catalog/generate_task_json``), ready
    for ``PUT /task``: ``datetime`` now and no predefined actions, as the original did."""
    prompt = llm.render_prompt(
        "catalog/generate_task_json",
        requirements=task_requirements,
        languages=list(TASK_JSON_LANGUAGES),
        text_types=list(TextType.objects.order_by("id").values_list("name", flat=True)),
    )
    draft = llm.chat_json(
        prompt, required_keys=["task_type", "name_for_system"], user_id=None, temperature=0, max_tokens=4000
    )
    if not isinstance(draft, dict):
        raise InvalidTaskDefinition({"body": "the model did not answer a JSON object"})
    return draft | {"datetime": timezone.now().isoformat(), "predefined_actions": []}


def claim_task_json_request(pk: int) -> TaskJsonRequest | None:
    """Claim a pending request (or one whose worker died) with a conditional update."""
    now = timezone.now()
    claimable = Q(status=TaskJsonRequestStatus.PENDING) | Q(
        status=TaskJsonRequestStatus.RUNNING, claimed_at__lt=now - TASK_JSON_STALE_CLAIM
    )
    claimed = TaskJsonRequest.objects.filter(claimable, pk=pk).update(
        status=TaskJsonRequestStatus.RUNNING, claimed_at=now, attempts=F("attempts") + 1
    )
    return TaskJsonRequest.objects.get(pk=pk) if claimed == 1 else None


def _finish(request: TaskJsonRequest, status: str, *, result: Any = None, error: str | None = None) -> None:
    TaskJsonRequest.objects.filter(pk=request.pk, status=TaskJsonRequestStatus.RUNNING).update(
        status=status, result=result, error=error, finished_at=timezone.now()
    )


def run_task_json_request(pk: int, *, final_attempt: bool = True) -> None:
    """Generate and validate the draft of request ``pk``; the outcome is stored on the row.

    Safe to run twice: only a claimed row is worked on. A retryable LLM error releases the claim
    and propagates (the Celery task retries) unless it is the final attempt, which fails the row.
    """
    request = claim_task_json_request(pk)
    if request is None:
        return
    try:
        draft = draft_task_definition(request.task_requirements)
    except RETRYABLE_ERRORS as exc:
        if final_attempt:
            _finish(request, TaskJsonRequestStatus.FAILED, error=f"LLM unavailable: {exc}")
            return
        TaskJsonRequest.objects.filter(pk=pk, status=TaskJsonRequestStatus.RUNNING).update(
            status=TaskJsonRequestStatus.PENDING, claimed_at=None
        )
        raise
    except (LLMError, InvalidTaskDefinition) as exc:
        logger.warning("task_json request %s failed: %s", pk, exc)
        _finish(request, TaskJsonRequestStatus.FAILED, error=str(exc))
        return
    try:
        validate_task_definition(draft)
    except InvalidTaskDefinition as exc:
        _finish(request, TaskJsonRequestStatus.FAILED, result=draft, error=f"invalid definition: {exc.message}")
        return
    _finish(request, TaskJsonRequestStatus.DONE, result=draft)
