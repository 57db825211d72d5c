"""Every project task and every beat entry goes through the real broker to a real worker.

The task list comes from the Celery app's registry (names under ``apps.`` and ``workflow_steps.``)
and the beat entries from the ``PeriodicTask`` rows the data migrations create
(``migrated_beat_entries``) plus ``beat_schedule``. Each is sent with its real options —
``apply_async()`` with the task's own routing, expiry and time limits; a beat entry through
``celery.beat.Scheduler.apply_async``, the call ``celery beat`` makes — and must be run by the
worker. Arguments name rows that do not exist: a task returns quietly when its row is gone.

A new task whose limits are inconsistent, whose arguments cannot be made, or which crashes on a
missing row fails here.
"""

from __future__ import annotations

import inspect
import socket
from typing import Any

import pytest
from celery import beat
from celery.result import AsyncResult
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PROJECT_PREFIXES = ("apps.", "workflow_steps.")
MISSING_PK = 2_000_000_000  # no row has it (fits int and bigint columns)
MISSING_USER = "no-such-user"
# Tasks whose arguments are more than primary keys: a plausible call, quiet on missing rows.
SAMPLE_ARGS: dict[str, tuple[Any, ...]] = {
    "apps.core.tasks.ping": ("every-task",),
    "apps.notifications.tasks.send_email": ("admin_notification", ["ops@example.com"], {"subject": "S", "text": "T"}),
    "apps.notifications.tasks.send_password_link": (MISSING_USER, "reset_password"),
}
# What the current registry and migrations hold; the test fails if a task or entry appears or goes
# without this list being updated (so a new one is seen here, with its arguments, on purpose).
EXPECTED_TASKS = {
    "apps.accounts.tasks.learn_company_website",
    "apps.catalog.tasks.generate_task_json",
    "apps.chat.tasks.generate_reply",
    "apps.chat.tasks.relaunch_stale_generations",
    "apps.chat.tasks.resend_unacked_events",
    "apps.chat.tasks.tag_proper_nouns",
    "apps.core.tasks.ping",
    "apps.executions.tasks.embed_produced_text_version",
    "apps.executions.tasks.generate_title_and_summary",
    "apps.notifications.tasks.send_email",
    "apps.notifications.tasks.send_password_link",
    "apps.products.tasks.expire_purchase",
    "apps.products.tasks.sweep_expired_purchases",
    "apps.workflows.tasks.execute_step",
    "apps.workflows.tasks.relaunch_stale_steps",
}
EXPECTED_BEAT_TASKS = {
    "apps.chat.tasks.relaunch_stale_generations",
    "apps.chat.tasks.resend_unacked_events",
    "apps.products.tasks.sweep_expired_purchases",
    "apps.workflows.tasks.relaunch_stale_steps",
}


def project_tasks() -> dict[str, Any]:
    from celery_app import app

    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(PROJECT_PREFIXES)}


def arguments_for(task: Any) -> tuple[Any, ...]:
    """Sample arguments, or primary keys of missing rows made from the task's signature."""
    if task.name in SAMPLE_ARGS:
        return SAMPLE_ARGS[task.name]
    args: list[Any] = []
    for parameter in inspect.signature(task.run).parameters.values():
        if parameter.default is not parameter.empty:
            continue
        if parameter.annotation in ("int", int):
            args.append(MISSING_PK)
        elif parameter.annotation in ("str", str) and parameter.name == "user_pk":
            args.append(MISSING_USER)
        else:
            pytest.fail(f"{task.name}: add its sample arguments to SAMPLE_ARGS (parameter {parameter.name!r})")
    return tuple(args)


def beat_entries() -> list[beat.ScheduleEntry]:
    """The entries ``celery beat`` schedules: enabled PeriodicTask rows and ``beat_schedule``."""
    from celery_app import app

    entries: list[beat.ScheduleEntry] = [ModelEntry(row, app=app) for row in PeriodicTask.objects.filter(enabled=True)]
    for name, spec in (app.conf.beat_schedule or {}).items():
        entries.append(beat.ScheduleEntry(name=name, app=app, **spec))
    return entries


def worker_name(process: Any) -> str:
    return process.args[process.args.index("-n") + 1].replace("%h", socket.gethostname())


def finished(result: AsyncResult, label: str) -> AsyncResult:
    try:
        result.get(timeout=60, propagate=False)
    except Exception as exc:  # a timeout: name the task that never ran
        raise AssertionError(f"{label}: no worker ran it ({exc!r})") from exc
    assert result.state == "SUCCESS", f"{label}: {result.state} {result.result!r}\n{result.traceback}"
    return result


@pytest.mark.django_db(transaction=True)
def test_it_sends_every_task_and_every_beat_entry_to_a_real_worker(migrated_beat_entries, celery_worker_process):
    from celery_app import app

    tasks = project_tasks()
    assert set(tasks) == EXPECTED_TASKS
    registered = app.control.inspect(destination=[worker_name(celery_worker_process)], timeout=5).registered()
    assert registered, "the worker did not answer inspect().registered()"
    (worker_tasks,) = registered.values()
    assert {name for name in worker_tasks if name.startswith(PROJECT_PREFIXES)} == EXPECTED_TASKS

    for name, task in sorted(tasks.items()):
        assert task.time_limit and task.soft_time_limit, f"{name}: no time limit"
        assert task.soft_time_limit <= task.time_limit, f"{name}: soft {task.soft_time_limit} > {task.time_limit}"
    sent = {name: task.apply_async(arguments_for(task)) for name, task in sorted(tasks.items())}
    for name, result in sent.items():
        finished(result, name)
    assert sent["apps.core.tasks.ping"].result["hostname"] == worker_name(celery_worker_process)

    entries = beat_entries()
    assert {entry.task for entry in entries} == EXPECTED_BEAT_TASKS
    scheduler = beat.Scheduler(app=app, lazy=True)
    for entry in entries:
        assert entry.task in tasks, f"beat entry {entry.name!r} names an unregistered task {entry.task}"
        every = getattr(entry.schedule, "run_every", None)  # an interval; crontab entries have none
        expires = (entry.options or {}).get("expires")
        if every is not None:
            period = every.total_seconds()
            assert expires is not None and 0 < expires < period, f"{entry.name}: expires {expires} not below {period}s"
        finished(scheduler.apply_async(entry, advance=False), f"beat entry {entry.name!r}")
