"""Queueing a generation for the worker (after commit, never inside an open transaction)."""

from __future__ import annotations

from django.db import transaction


def enqueue_generation(generation_pk: int) -> None:
    # The task module imports the assistants (task ↔ service in one app): looked up when called.
    from apps.assistants.tasks import generate_reply

    # Robust: a broker hiccup after commit must not turn the stored message into a 500; the
    # generation stays pending and the takeover sweep (chat.tasks.relaunch_stale_generations)
    # dispatches it (ADR 0006).
    transaction.on_commit(lambda: generate_reply.delay(generation_pk), robust=True)
