"""A whole worker (process group) SIGKILLed in the middle of an answer: the beat sweep
``relaunch_stale_generations`` re-dispatches it once the lease expires, another worker takes it
over, and the answer is recorded exactly once — without waiting for the broker's visibility timeout
(an hour), which this test keeps at its default.

Two real workers consume ``llm`` and ``notifications`` (one pool process each, a 3 s lease, a slowed
fake LLM), a real ``celery beat`` sends the sweep every 2 s (ADR 0006).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from apps.assistants import runs
from apps.chat.models import Generation, Message, SessionEvent
from apps.executions.models import ProducedTextVersion
from apps.llm import fake
from tests.factories import ExecutionFactory
from tests.processes import CELERY, spawn, stop_process, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LEASE = 3
WORKER_ENV = {
    "MOJODEX_GENERATION_LEASE": str(LEASE),
    "MOJODEX_FAKE_LLM_TOKEN_DELAY_MS": "150",
    "CELERY_WORKER_CONCURRENCY": "1",
    "CELERY_VISIBILITY_TIMEOUT": "3600",  # the broker would redeliver only after an hour
}
WORKER_OPTIONS = ("--concurrency", "1", "-l", "INFO", "--without-gossip", "--without-mingle")
WORDS = 60  # x 150 ms: a 9 s answer, killed within its first seconds


@pytest.fixture
def workers(transactional_db, tmp_path) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    from celery_app import app

    app.control.purge()
    started = {
        name: spawn(
            [*CELERY, "worker", "-Q", "llm,notifications", "-n", f"{name}@%h", *WORKER_OPTIONS],
            tmp_path / f"{name}.log",
            **WORKER_ENV,
        )
        for name in ("gen-a", "gen-b")
    }
    try:
        wait_for(lambda: len(app.control.ping(timeout=0.5) or []) >= 2, timeout=60, message="both workers to answer")
        yield started
    finally:
        for process in started.values():
            stop_process(process)
        app.control.purge()


def _answer(word: str) -> str:
    return f"<execution><title>{word.title()}</title><draft>{' '.join([word] * WORDS)}</draft></execution>"


def _start_form_run(execution) -> None:
    """In another thread: its events go out through ``async_to_sync``, which refuses a thread with a
    running event loop (left by browser tests)."""

    def run() -> None:
        try:
            runs.run_from_form(execution, [{"input_name": "notes", "input_value": "the lighthouse"}])
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result(timeout=30)


def _holder() -> str:
    """The worker whose pool runs ``generate_reply`` now."""
    from celery_app import app

    def find() -> str | None:
        active = app.control.inspect(timeout=1).active() or {}
        for hostname, tasks in active.items():
            if any(task["name"] == "apps.chat.tasks.generate_reply" for task in tasks):
                return hostname.split("@", 1)[0]
        return None

    return wait_for(find, timeout=30, interval=0.2, message="a worker to run the answer")


def test_a_killed_worker_s_answer_is_taken_over_and_recorded_once(workers, celery_beat_process, settings, owner):
    settings.GENERATION_LEASE = LEASE
    fake.clear_script()
    fake.script_replies(_answer("original"), _answer("takeover"))
    execution = ExecutionFactory(user_task__user=owner)
    _start_form_run(execution)
    generation = wait_for(
        lambda: Generation.objects.filter(
            user_task_execution=execution, status=Generation.Status.RUNNING, attempts=1
        ).first(),
        timeout=60,
        interval=0.1,
        message="the answer to be running",
    )
    victim = _holder()
    time.sleep(1.5)  # some tokens and a heartbeat or two
    os.killpg(workers[victim].pid, signal.SIGKILL)
    workers[victim].wait(timeout=10)
    killed_at = time.monotonic()
    survivor = "gen-b" if victim == "gen-a" else "gen-a"
    assert workers[survivor].poll() is None
    generation.refresh_from_db()
    lease_expiry = generation.heartbeat_at + timedelta(seconds=LEASE)  # the dead claim's last heartbeat

    wait_for(
        lambda: Generation.objects.filter(pk=generation.pk, status=Generation.Status.DONE).exists(),
        timeout=90,
        interval=0.25,
        message="the taken-over answer to finish",
    )
    recovered = time.monotonic() - killed_at

    generation.refresh_from_db()
    takeover_delay = (generation.claimed_at - lease_expiry).total_seconds()
    print(f"takeover {takeover_delay:.1f} s after lease expiry; finished {recovered:.1f} s after the kill")
    assert generation.attempts == 2 and generation.error == ""
    assert takeover_delay >= 0  # taken over only once the lease had expired (how soon: bench, not tests)
    versions = ProducedTextVersion.objects.filter(produced_text__user_task_execution=execution)
    assert list(versions.values_list("title", "production")) == [("Takeover", " ".join(["takeover"] * WORDS))]
    drafts = Message.objects.filter(session_id=execution.session_id, event_name="draft_message")
    assert list(drafts.values_list("pk", flat=True)) == [generation.result_message_id]
    assert not Message.objects.filter(session_id=execution.session_id, event_name="error").exists()
    logged = list(SessionEvent.objects.filter(session_id=execution.session_id).order_by("seq").values_list("event"))
    # The title task, queued by the one draft, may or may not have told the session yet.
    title = ("user_task_execution_title",)
    assert [event for event in logged if event != title] == [("user_task_execution_start",), ("draft_message",)]
    assert logged.count(title) <= 1
    fake.clear_script()
