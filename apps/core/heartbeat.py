"""A lease kept alive from a thread while long work runs (workflow steps, chat answers).

The work itself may be silent for a long time (an LLM's first token, a web fetch); the thread
refreshes the claim every ``interval`` seconds so the claim expires only when the process dies.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connection

logger = logging.getLogger(__name__)


class Heartbeat:
    """``with Heartbeat(beat, interval, name):`` calls ``beat()`` every ``interval`` seconds in a
    thread (with its own database connection, closed at the end) until the block exits."""

    def __init__(self, beat: Callable[[], object], interval: float, name: str) -> None:
        self.beat = beat
        self.interval = interval
        self.name = name
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{name}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.beat()
                except Exception as exc:  # a missed beat only shortens the lease left
                    logger.warning("heartbeat of %s failed: %s", self.name, exc)
        finally:
            connection.close()
