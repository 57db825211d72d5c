"""A small process supervisor for ``manage.py dev``: start children, restart crashes, stop all.

Each child runs in its own session (process group) so stopping it also stops what it forked
(Celery's prefork pool); Ctrl-C in the terminal reaches only this supervisor, which then stops
the children in order.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = 0.0


@dataclass
class Supervisor:
    env: Mapping[str, str]
    cwd: str
    stop_timeout: float = 15.0
    children: list[Child] = field(default_factory=list)
    stopping: bool = False

    def add(self, name: str, argv: Sequence[str]) -> None:
        self.children.append(Child(name, list(argv)))

    def _spawn(self, child: Child) -> None:
        logger.info("starting %s: %s", child.name, " ".join(child.argv))
        child.process = subprocess.Popen(child.argv, env=dict(self.env), cwd=self.cwd, start_new_session=True)
        child.started_at = time.monotonic()

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)

    def pids(self) -> list[int]:
        return [c.process.pid for c in self.children if c.process and c.process.poll() is None]

    def poll(self) -> None:
        """Restart children that exited, with a growing delay so a crash loop does not spin."""
        now = time.monotonic()
        for child in self.children:
            if child.process is None or child.process.poll() is None:
                continue
            if child.next_start == 0.0:
                if now - child.started_at > 60:
                    child.restarts = 0  # it ran a good while: forget old crashes
                delay = min(30.0, 2.0**child.restarts)
                logger.warning("%s exited with %s; restarting in %.0fs", child.name, child.process.returncode, delay)
                child.next_start = now + delay
            elif now >= child.next_start:
                child.restarts += 1
                child.next_start = 0.0
                self._spawn(child)

    def run_until_signalled(self, tick: Callable[[], None] | None = None) -> None:
        """Supervise until SIGINT/SIGTERM, calling ``tick`` (e.g. a readiness probe) each round."""

        def _stop(signum: int, _frame: object) -> None:
            logger.info("received %s, stopping", signal.Signals(signum).name)
            self.stopping = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        while not self.stopping:
            self.poll()
            if tick is not None:
                tick()
            time.sleep(0.5)

    def stop(self) -> None:
        """SIGTERM every child's process group (web first, beat last), then SIGKILL stragglers."""
        alive = [c for c in self.children if c.process and c.process.poll() is None]
        for child in alive:
            _signal_group(child.process.pid, signal.SIGTERM)  # type: ignore[union-attr]
        deadline = time.monotonic() + self.stop_timeout
        for child in alive:
            assert child.process is not None
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in time; killing it", child.name)
                _signal_group(child.process.pid, signal.SIGKILL)
                child.process.wait()
            # the group may hold grandchildren that outlive their parent
            _signal_group(child.process.pid, signal.SIGKILL)


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
