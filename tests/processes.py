"""Real processes for integration tests: a Celery worker, celery beat and daphne, on the test database.

They are started with the test run's environment (so they reach the same Postgres, Redis and
broker) and ``DATABASE_URL`` rewritten to the test database that pytest-django created.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from apps.core.embedded import free_port

ROOT = Path(__file__).resolve().parent.parent
CELERY = ("celery", "-A", "celery_app")


def test_database_url() -> str:
    """The run's DATABASE_URL, pointing at the test database of the current connection."""
    from django.db import connection

    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def process_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    return env


def spawn(args: list[str], log_path: Path, **env: str) -> subprocess.Popen[bytes]:
    """``python -m <args>`` from the project root, in its own session, output to ``log_path``."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=process_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_process(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for(predicate, timeout: float, interval: float = 0.2, message: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except Exception as exc:
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}; last error: {last_error!r}")


@pytest.fixture
def worker_env() -> dict[str, str]:
    """Extra environment of the worker process (a test module overrides this fixture)."""
    return {}


@contextlib.contextmanager
def running_worker(log_path: Path, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``celery worker`` on every queue of the run's broker (emptied first), until exit."""
    from celery_app import QUEUES, app

    app.control.purge()
    name = f"test-{os.getpid()}-{time.monotonic_ns()}@%h"
    process = spawn(
        [
            *CELERY,
            "worker",
            "-Q",
            ",".join(QUEUES),
            "-n",
            name,
            "-c",
            "2",
            "-l",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        log_path,
        **env,
    )
    try:
        wait_for(lambda: app.control.ping(timeout=0.5), timeout=120, message="the Celery worker to answer ping")
        yield process
    finally:
        stop_process(process)


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path, worker_env) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``celery worker`` for one test (its log: ``tmp_path / "worker.log"``)."""
    with running_worker(tmp_path / "worker.log", **worker_env) as process:
        yield process


@pytest.fixture(scope="module")
def module_celery_worker(django_db_setup, tmp_path_factory) -> Iterator[subprocess.Popen[bytes]]:
    """One real ``celery worker`` shared by a module's tests (each still asks for ``transactional_db``:
    the worker sees only committed rows)."""
    with running_worker(tmp_path_factory.mktemp("worker") / "worker.log") as process:
        yield process


BEAT_TEST_SECONDS = 2


@pytest.fixture
def migrated_beat_entries(transactional_db) -> list[Any]:
    """The ``PeriodicTask`` rows the data migrations create, made again: a transactional test before
    this one flushed them. Re-runs the ``RunPython`` of every project migration that depends on
    django_celery_beat (their ``get_or_create`` leaves existing rows alone), so a new beat entry
    added by a migration is seen here too."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython
    from django_celery_beat.models import PeriodicTask

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    for (app_label, _name), migration in sorted(loader.disk_migrations.items()):
        if app_label != "django_celery_beat" and any(dep[0] == "django_celery_beat" for dep in migration.dependencies):
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, None)  # type: ignore[arg-type]  # the data migrations only read apps
    return list(PeriodicTask.objects.order_by("name"))


@pytest.fixture
def fast_beat_schedule(migrated_beat_entries) -> int:
    """The test schedule: every enabled ``PeriodicTask`` of the test database runs every
    ``BEAT_TEST_SECONDS`` (interval and first run only; names, tasks, queues and expiry stay as the
    data migrations made them). Returns how many entries it set."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

    interval, _ = IntervalSchedule.objects.get_or_create(every=BEAT_TEST_SECONDS, period=IntervalSchedule.SECONDS)
    count = PeriodicTask.objects.filter(enabled=True).update(
        interval=interval, crontab=None, solar=None, clocked=None, last_run_at=None
    )
    PeriodicTasks.update_changed()
    return count


@pytest.fixture
def celery_beat_process(fast_beat_schedule, tmp_path) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``celery beat`` with the database scheduler (as ``manage.py dev`` and the deployments
    run it) on the test schedule. The test asks for the worker(s) that run what it sends first
    (a worker's start purges the queues)."""
    log_path = tmp_path / "beat.log"
    process = spawn(
        [*CELERY, "beat", "-S", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1", "--pidfile="],
        log_path,
        LOG_LEVEL="INFO",  # its "Sending due task" line tells it is scheduling
    )
    try:
        wait_for(
            lambda: process.poll() is None and b"Sending due task" in log_path.read_bytes(),
            timeout=60,
            message=f"celery beat to send its first task (log: {log_path})",
        )
        yield process
    finally:
        stop_process(process)


@pytest.fixture
def daphne_env() -> dict[str, str]:
    """Extra environment of the daphne process (a test module overrides it)."""
    return {}


@pytest.fixture
def daphne_server(transactional_db, tmp_path, daphne_env) -> Iterator[str]:
    """daphne serving the ASGI app on a free port; yields its base URL."""
    import httpx

    port = free_port()
    process = spawn(
        ["daphne", "-b", "127.0.0.1", "-p", str(port), "mojodex.asgi:application"],
        tmp_path / "daphne.log",
        **daphne_env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: httpx.get(f"{base}/api/schema/", timeout=2).status_code == 200,
            timeout=30,
            message="daphne to serve",
        )
        yield base
    finally:
        stop_process(process)
