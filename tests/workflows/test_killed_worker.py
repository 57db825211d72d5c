"""A worker SIGKILLed in the middle of a step: another worker runs the step again and the workflow
completes with each result recorded once.

Two real worker processes consume the ``workflows`` queue (one pool process each, a 3 s lease, a
slow fake LLM so a stanza takes a few seconds). The claim row names the worker and process that
holds the step (``claimed_by`` = ``<hostname>:<pid>``):

* killing the pool process: the worker's main process sees it die and requeues the message
  (``acks_late`` + ``reject_on_worker_lost``); the redelivered message waits for the lease to
  expire (``StepBusy`` → retry), then claims the step again;
* killing the whole worker (main process and pool): its message is gone with it, and the beat
  sweep (``relaunch_stale_steps``, sent every 2 s by a real ``celery beat``) queues the stale step
  again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from apps.assistants import runs
from apps.chat.models import SessionEvent
from apps.executions.models import ProducedTextVersion
from apps.workflows.models import StepStatus, UserWorkflowStepExecution, UserWorkflowStepExecutionResult
from tests.processes import ROOT, process_env, stop_process, wait_for
from tests.workflows.conftest import new_execution, poem_task

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WORKER_ENV = {
    "MOJODEX_WORKFLOW_STEP_LEASE": "3",
    "MOJODEX_FAKE_LLM_TOKEN_DELAY_MS": "150",
    "CELERY_WORKER_CONCURRENCY": "1",
}


@pytest.fixture
def workers(transactional_db, tmp_path, settings) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    """Two workers on the ``workflows`` queue, named ``wf-a`` and ``wf-b``."""
    from celery_app import app

    settings.WORKFLOW_STEP_LEASE = 3  # the sweep run by the test uses the workers' lease
    app.control.purge()
    started: dict[str, subprocess.Popen[bytes]] = {}
    logs = []
    for name in ("wf-a", "wf-b"):
        log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115
        logs.append(log)
        started[name] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "celery_app",
                "worker",
                "-Q",
                "workflows",
                "-n",
                f"{name}@%h",
                "--concurrency",
                "1",
                "-l",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=process_env(**WORKER_ENV),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(
            lambda: len(app.control.ping(timeout=0.5) or []) >= 2, timeout=60, message="both workers to answer ping"
        )
        yield started
    finally:
        for process in started.values():
            stop_process(process)
        for log in logs:
            log.close()
        app.control.purge()


def _start_poem(owner):
    """Start from the form in another thread: its events go out through ``async_to_sync``, which
    refuses to run in a thread with an event loop (Playwright's session fixtures leave one in the
    main thread when the browser tests ran first)."""
    execution = new_execution(owner, poem_task(validation=False))
    inputs = [
        {"input_name": "poem_topic", "input_value": "the lighthouse"},
        {"input_name": "n_stanzas", "input_value": "2"},
    ]

    def run() -> None:
        try:
            runs.run_from_form(execution, inputs)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result(timeout=30)
    return execution


def _running_stanza(execution) -> UserWorkflowStepExecution:
    return wait_for(
        lambda: (
            UserWorkflowStepExecution.objects.filter(
                user_task_execution=execution, workflow_step__rank=2, status=StepStatus.RUNNING
            )
            .order_by("item_index")
            .first()
        ),
        timeout=60,
        interval=0.1,
        message="a stanza to be running",
    )


def _assert_completed_once(execution, victim: UserWorkflowStepExecution, killed_claim: str):
    wait_for(
        lambda: ProducedTextVersion.objects.filter(produced_text__user_task_execution=execution).exists(),
        timeout=90,
        interval=0.5,
        message="the workflow to complete",
    )
    victim.refresh_from_db()
    assert victim.status == StepStatus.DONE
    assert victim.attempts == 2
    assert victim.claimed_by != killed_claim
    rows = list(
        UserWorkflowStepExecution.objects.filter(user_task_execution=execution)
        .order_by("workflow_step__rank", "item_index")
        .values_list("workflow_step__rank", "item_index", "status")
    )
    assert rows == [(1, 0, "done"), (2, 0, "done"), (2, 1, "done")]  # no extra step execution
    for se in UserWorkflowStepExecution.objects.filter(user_task_execution=execution):
        assert UserWorkflowStepExecutionResult.objects.filter(user_workflow_step_execution=se).count() == 1
    production = ProducedTextVersion.objects.get(produced_text__user_task_execution=execution).production
    stanzas = production.split("\n\n")
    assert [s.split(" I sing")[0] for s in stanzas] == ["Of the lighthouse, part 1", "Of the lighthouse, part 2"]
    produced = SessionEvent.objects.filter(session_id=execution.session_id, event="workflow_execution_produced_text")
    assert produced.count() == 1


def test_it_reruns_the_step_of_a_killed_pool_process_on_another_claim(workers, owner):
    execution = _start_poem(owner)
    victim = _running_stanza(execution)
    killed_claim = victim.claimed_by
    os.kill(int(killed_claim.rsplit(":", 1)[1]), signal.SIGKILL)

    _assert_completed_once(execution, victim, killed_claim)


def test_it_reruns_the_step_of_a_killed_worker_found_by_the_sweep(workers, celery_beat_process, owner):
    execution = _start_poem(owner)
    victim = _running_stanza(execution)
    killed_claim = victim.claimed_by
    name = killed_claim.split("@", 1)[0]
    os.killpg(workers[name].pid, signal.SIGKILL)
    workers[name].wait(timeout=10)
    survivor = "wf-b" if name == "wf-a" else "wf-a"
    assert workers[survivor].poll() is None

    _assert_completed_once(execution, victim, killed_claim)
    victim.refresh_from_db()
    assert victim.claimed_by.startswith(f"{survivor}@")
