"""Plumbing tasks."""

from __future__ import annotations

from celery import Task, current_task, shared_task


class QuietTask(Task):  # type: ignore[type-arg]
    """Base of the sweeps that run every few seconds: Celery's routine INFO lines about them
    (sent by beat, received, succeeded) are dropped (``mojodex.logging.QuietSweepsFilter``); the
    sweep logs itself when it does something."""

    quiet = True


@shared_task(name="apps.core.tasks.ping")
def ping(value: str) -> dict[str, str]:
    """Round-trip probe: returns its argument and the worker that ran it. Side-effect free."""
    return {"value": value, "hostname": current_task.request.hostname or ""}
