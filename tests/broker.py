"""The run's real broker, read back: what was enqueued, and (unit tests only) the bodies run here.

No test replaces ``apply_async``: tasks are published to the real broker (Redis in ``make test``)
and this fixture takes them off its queues, decoded as a worker would.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase


class Broker:
    """The tasks published to the run's real broker (Redis), read back from its queues.

    ``sent()`` takes the messages off the queues (decoded as a worker would) and returns
    ``(task name, args, kwargs)``: what was really enqueued. ``run_bodies()`` then calls each task's
    body in this process (a unit test's stand-in for the worker; tests that rely on it are named
    ``test_unit_...``), repeating while the bodies enqueue more.
    """

    def __init__(self) -> None:
        from celery_app import app

        self.app = app
        app.control.purge()

    def sent(self) -> list[tuple[str, list[Any], dict[str, Any]]]:
        found: list[tuple[str, list[Any], dict[str, Any]]] = []
        with self.app.connection_for_read() as connection:
            for queue in self.app.amqp.queues.values():
                with connection.SimpleQueue(queue) as simple:  # type: ignore[arg-type]  # kombu takes a Queue too
                    while True:
                        try:
                            message = simple.get_nowait()
                        except simple.Empty:
                            break
                        args, kwargs, _embed = message.decode()
                        found.append((message.headers["task"], list(args), dict(kwargs)))
                        message.ack()
        return found

    def run_bodies(self, rounds: int = 5) -> list[tuple[str, list[Any], dict[str, Any]]]:
        """Run the bodies of what was sent (and of what they send, up to ``rounds``); returns them all."""
        ran: list[tuple[str, list[Any], dict[str, Any]]] = []
        for _ in range(rounds):
            batch = self.sent()
            if not batch:
                return ran
            for name, args, kwargs in batch:
                with TestCase.captureOnCommitCallbacks(execute=True):  # what the body defers, sent
                    self.app.tasks[name].apply(tuple(args), kwargs, throw=True)
            ran += batch
        raise AssertionError(f"tasks still enqueue tasks after {rounds} rounds: {ran}")


@pytest.fixture
def broker() -> Broker:
    """The real broker's queues, emptied first (see ``Broker``)."""
    return Broker()
