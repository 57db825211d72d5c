"""Real processes for integration tests: a Celery worker and daphne, on the test database.

They are started with the test run's environment (so they reach the same Postgres, Redis and
broker) and ``DATABASE_URL`` rewritten to the test database that pytest-django created.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from apps.core.embedded import free_port

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path, worker_env) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``celery worker`` on every queue, consuming from the run's broker."""
    from celery_app import QUEUES, app

    app.control.purge()
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    name = f"test-{os.getpid()}-{time.monotonic_ns()}@%h"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "celery_app",
            "worker",
            "-Q",
            ",".join(QUEUES),
            "-n",
            name,
            "--concurrency",
            "2",
            "-l",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=process_env(**worker_env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(lambda: app.control.ping(timeout=0.5), timeout=120, message="the Celery worker to answer ping")
        yield process
    finally:
        stop_process(process)
        log.close()


@pytest.fixture
def daphne_env() -> dict[str, str]:
    """Extra environment of the daphne process (a test module overrides it)."""
    return {}


@pytest.fixture
def daphne_server(transactional_db, tmp_path, daphne_env) -> Iterator[str]:
    """daphne serving the ASGI app on a free port; yields its base URL."""
    import httpx

    port = free_port()
    log = open(tmp_path / "daphne.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "mojodex.asgi:application"],
        cwd=ROOT,
        env=process_env(**daphne_env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
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
        log.close()
