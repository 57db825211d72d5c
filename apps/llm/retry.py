"""The retry and fallback policy shared by chat, embeddings and speech-to-text.

For each candidate provider section in order: call; on a retryable error (429, 5xx, timeout,
connection) wait with exponential backoff and jitter (``Retry-After`` honoured, capped) and retry,
up to the section's ``max_retries`` (default ``MOJODEX_LLM_MAX_RETRIES``); then fall back to the
next candidate. A terminal error is raised at once: no retry, no fallback. When every candidate
failed, the last retryable error is raised, so a Celery task can retry the whole job later.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.conf import settings

from apps.llm.config import ProviderConfig
from apps.llm.errors import LLMError, LLMRetryableError, LLMTerminalError

logger = logging.getLogger(__name__)
T = TypeVar("T")


def backoff_seconds(attempt: int, retry_after: float | None = None) -> float:
    """Wait before retry number ``attempt + 1``: base·2^attempt with jitter, at most the cap."""
    cap = settings.LLM_RETRY_BACKOFF_MAX_MS / 1000
    delay = min(cap, settings.LLM_RETRY_BACKOFF_MS / 1000 * 2**attempt) * random.uniform(0.5, 1.0)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay


def max_retries(config: ProviderConfig) -> int:
    return settings.LLM_MAX_RETRIES if config.max_retries is None else config.max_retries


def run_with_policy(
    candidates: Sequence[ProviderConfig],
    call: Callable[[ProviderConfig, int], T],
    *,
    on_error: Callable[[ProviderConfig, int, LLMError], None] | None = None,
    may_retry: Callable[[], bool] = lambda: True,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``call(config, attempt)`` under the policy; ``may_retry()`` False forbids retry/fallback."""
    last_error: LLMRetryableError | None = None
    for config in candidates:
        retries = max_retries(config)
        for attempt in range(1, retries + 2):
            try:
                return call(config, attempt)
            except LLMTerminalError as exc:
                if on_error is not None:
                    on_error(config, attempt, exc)
                raise
            except LLMRetryableError as exc:
                if on_error is not None:
                    on_error(config, attempt, exc)
                if not may_retry():
                    raise
                last_error = exc
                if attempt <= retries:
                    delay = backoff_seconds(attempt - 1, exc.retry_after)
                    logger.warning("%s failed (%s), retry %d/%d in %.2fs", config.section, exc, attempt, retries, delay)
                    sleep(delay)
                else:
                    logger.warning("%s failed (%s), no retry left: next model", config.section, exc)
    assert last_error is not None, "no candidate provider"
    raise last_error
