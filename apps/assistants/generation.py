"""Running a generation on the worker: claim it, pick the assistant, record a failure.

``answer`` picks the assistant from the generation's kind and its execution's task type (instruct,
workflow, text-edit; the home chat plugs in here). The claim, the heartbeat lease and the one
transaction that stores the answer are ``apps.chat.services``' (ADR 0003).
"""

from __future__ import annotations

import logging

from apps.assistants import instruct, text_edit, workflow
from apps.catalog.models import TaskType
from apps.chat import services as chat
from apps.chat.models import Generation
from apps.core.heartbeat import Heartbeat
from apps.llm.errors import LLMRetryableError

logger = logging.getLogger(__name__)


class UnsupportedOrigin(Exception):
    """The generation cannot be answered by any assistant (told to the user as an error)."""


def answer(generation: Generation) -> None:
    if generation.kind == Generation.Kind.TEXT_EDIT:
        text_edit.run(generation)
        return
    execution = generation.user_task_execution
    if execution is None:
        raise UnsupportedOrigin("This message is not attached to a task execution (home chat is not available yet)")
    if execution.user_task.task.type == TaskType.WORKFLOW:
        workflow.run(generation)
        return
    instruct.run(generation)


def run_generation(generation_pk: int) -> None:
    """Produce the assistant's answer for a generation (idempotent; see ``chat.services.claim_generation``)."""
    generation = chat.claim_generation(generation_pk)
    if generation is None:
        return
    beat = Heartbeat(
        lambda: chat.heartbeat(generation), chat.heartbeat_interval(), name=f"generation {generation.pk}"
    )  # keeps the lease while the LLM is silent (a slow first token); ADR 0006
    try:
        with beat:
            answer(generation)
    except chat.ClaimLost as lost:
        logger.warning("%s; this run's answer is discarded", lost)  # the takeover finishes it
    except LLMRetryableError:
        chat.release(generation)
        raise
    except Exception as exc:
        logger.exception("generation %s failed", generation.pk)
        chat.fail_generation(generation, f"{type(exc).__name__}: {exc}")
