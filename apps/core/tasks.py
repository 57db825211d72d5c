"""Plumbing tasks."""

from __future__ import annotations

from celery import current_task, shared_task


@shared_task(name="apps.core.tasks.ping")
def ping(value: str) -> dict[str, str]:
    """Round-trip probe: returns its argument and the worker that ran it. Side-effect free."""
    return {"value": value, "hostname": current_task.request.hostname or ""}
