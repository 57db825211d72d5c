"""Logging to stdout: JSON lines in production, readable text in development.

Records carry a context prefix (Celery task id, chat session id) when one is bound, so an
operator can follow one task or one session across web and worker processes.
"""

from __future__ import annotations

import contextvars
import json
import logging
import logging.config
import sys
from typing import Any

from celery import current_app, current_task

log_context: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("log_context", default=None)


def bind(**values: str) -> contextvars.Token[dict[str, str] | None]:
    """Add values (task_id, session_id ...) to every record logged in this context."""
    return log_context.set({**(log_context.get() or {}), **values})


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = dict(log_context.get() or {})
        try:
            if current_task and current_task.request.id:
                context.setdefault("task_id", current_task.request.id)
        except Exception:  # no task context (outside a worker): nothing to add
            pass
        record.context = context
        record.context_prefix = "".join(f"[{k}={v}] " for k, v in sorted(context.items()))
        return True


ROUTINE_CELERY_LOGGERS = frozenset({"celery.app.trace", "celery.worker.strategy", "celery.beat"})


class QuietSweepsFilter(logging.Filter):
    """Drops Celery's routine INFO lines (beat's "Sending due task", the worker's "received" and
    "succeeded") of tasks based on ``apps.core.tasks.QuietTask``: sweeps run every few seconds and
    log themselves when they do something. Kept when the level is DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or record.name not in ROUTINE_CELERY_LOGGERS:
            return True
        data = getattr(record, "data", None)
        name = data.get("name") if isinstance(data, dict) else None
        if name is None and record.name == "celery.beat" and isinstance(record.args, tuple) and len(record.args) == 2:
            name = record.args[1]  # "Scheduler: Sending due task %s (%s)" % (entry name, task name)
        if not isinstance(name, str):
            return True
        quiet = getattr(current_app.tasks.get(name), "quiet", False)
        return not quiet or logging.getLogger().isEnabledFor(logging.DEBUG)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "context", {}),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def configure(level: str = "INFO", *, json_output: bool = True) -> None:
    formatter = "json" if json_output else "text"
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"context": {"()": ContextFilter}, "quiet_sweeps": {"()": QuietSweepsFilter}},
            "formatters": {
                "json": {"()": JsonFormatter},
                "text": {"format": "%(asctime)s %(levelname)s %(name)s %(context_prefix)s%(message)s"},
            },
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "stream": sys.stdout,
                    "formatter": formatter,
                    "filters": ["quiet_sweeps", "context"],
                }
            },
            "root": {"handlers": ["stdout"], "level": level},
            "loggers": {
                "django.db.backends": {"level": "INFO"},
                "daphne": {"level": "WARNING"},
                "openai": {"level": "WARNING"},
                "httpx": {"level": "WARNING"},
                "httpx2": {"level": "WARNING"},
                "pgserver": {"level": "WARNING"},
            },
        }
    )
