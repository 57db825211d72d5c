"""Typed errors of the LLM layer.

Celery tasks name the retryable family in ``autoretry_for`` (``RETRYABLE_ERRORS``); everything else
fails fast. The split follows the HTTP status: 429, 5xx, timeouts and broken connections may succeed
later, anything else (400 bad request, 401/403 credentials, 404 unknown model, 422) will not.
"""

from __future__ import annotations


class LLMError(Exception):
    """Base class of every error raised by ``apps.llm``."""

    retryable = False

    def __init__(self, message: str, *, status_code: int | None = None, provider: str = "", model: str = "") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.provider = provider
        self.model = model


class LLMRetryableError(LLMError):
    """A transient failure: the same call may succeed later (rate limit, 5xx, timeout, network)."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, partial_text: str = "", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        self.partial_text = partial_text


class LLMRateLimitError(LLMRetryableError):
    """HTTP 429."""


class LLMServerError(LLMRetryableError):
    """HTTP 5xx."""


class LLMTimeoutError(LLMRetryableError):
    """The provider did not answer (or finish streaming) in time."""


class LLMConnectionError(LLMRetryableError):
    """The provider could not be reached."""


class LLMTerminalError(LLMError):
    """A failure that retrying cannot fix (bad request, credentials, unknown model, bad config)."""


class LLMConfigurationError(LLMTerminalError):
    """No provider can serve the call (nothing configured for the prompt's models, unknown provider)."""


RETRYABLE_ERRORS: tuple[type[Exception], ...] = (LLMRetryableError,)
