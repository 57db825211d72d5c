"""`manage.py dev`: starts everything with no configuration, answers /health and WebSockets once its
banner is out, stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import psutil
import pytest
from websockets.sync.client import connect

from apps.core.embedded import free_port
from tests.processes import ROOT, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class DevProcess:
    """`manage.py dev` in its own process group, its output collected line by line."""

    def __init__(self, env: dict[str, str], port: int):
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "dev", "--port", str(port), "--concurrency", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{port}"
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def terminate(self, timeout: float = 60) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)


UNCONFIGURED = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"}
BANNER = "Mojodex is running at"


def _dev_env(var_dir: Path, *, external: bool) -> dict[str, str]:
    """No configuration at all (no key, no provider choice), or the run's external servers only."""
    env = {k: v for k, v in os.environ.items() if k not in UNCONFIGURED and not k.startswith("MOJODEX_")}
    env.update(
        {
            "MOJODEX_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "mojodex.settings",
            "LOG_JSON": "false",
            "PYTHONUNBUFFERED": "1",
            "MOJODEX_CHANNEL_PREFIX": f"dev-test-{os.getpid()}",
        }
    )
    if external:
        for key in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
            if key in os.environ:
                env[key] = os.environ[key]
    return env


def _client_env(var_dir: Path, *, external: bool, **servers: str) -> dict[str, str]:
    """What a `manage.py shell` next to dev needs: dev's generated key (tokens must verify) and fakes."""
    return {
        **_dev_env(var_dir, external=external),
        "SECRET_KEY_FILE": str(var_dir / "secret_key"),
        "MOJODEX_FAKE_PROVIDERS": "true",
        **servers,
    }


def _token_for_new_user(env: dict[str, str], email: str, *, staff: bool = False) -> str:
    code = (
        "from apps.accounts.models import User; from apps.accounts.tokens import issue_token;"
        f"u, _ = User.objects.get_or_create(email={email!r}, defaults={{'is_staff': {staff!r}}});"
        "print('TOKEN=' + issue_token(u.pk))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return re.search(r"TOKEN=(\S+)", result.stdout).group(1)  # type: ignore[union-attr]


def _exercise(dev: DevProcess, env: dict[str, str], var_dir: Path) -> None:
    wait_for(lambda: "Press Ctrl-C to stop." in dev.output, timeout=240, message=f"dev to start:\n{dev.output}")
    # The banner comes only once daphne accepts connections and the worker answered a ping:
    # /health answers 200 at once, with no waiting: the status to anyone, the report to staff.
    response = httpx.get(f"{dev.base}/health", timeout=10)
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok"}
    staff_token = _token_for_new_user(env, "dev-staff@example.com", staff=True)
    response = httpx.get(f"{dev.base}/health", headers={"Authorization": staff_token}, timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["workers"]["count"] == 1
    assert body["database"]["pgvector"]
    assert body["providers"] == {
        "ok": True,
        "llm": ["fake/fake"],
        "embedder": ["local/hashing"],
        "transcriber": ["fake/whisper"],
    }
    assert f"{BANNER} {dev.base}/app/" in dev.output
    assert "demo@example.com / demo" in dev.output
    assert "Providers: LLM fake/fake, embedder local/hashing, transcriber fake/whisper" in dev.output
    assert "MOJODEX_FAKE_PROVIDERS=true: offline fakes stand in" in dev.output
    key_file = var_dir / "secret_key"
    assert f"Secret key: {key_file} (generated once, reused on restart)" in dev.output
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text().strip()) >= 50

    token = _token_for_new_user(env, "dev-test@example.com")
    with connect(dev.base.replace("http", "ws") + f"/ws/echo/?token={token}", open_timeout=10) as ws:
        ws.send(json.dumps({"event": "echo", "data": {"text": "hi dev"}}))
        assert json.loads(ws.recv(timeout=10))["data"]["text"] == "hi dev"


def _assert_all_stopped(pids: list[int]) -> None:
    def gone() -> bool:
        return not [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]

    wait_for(gone, timeout=30, message=f"every process to stop: {pids}")


def test_it_runs_on_embedded_servers_and_stops_everything_on_sigterm(tmp_path):
    var_dir = tmp_path / "var"
    dev = DevProcess(_dev_env(var_dir, external=False), free_port())
    try:
        state_file = var_dir / "embedded.json"
        # pgserver serialises server starts machine-wide (one lock file): allow for busy machines.
        try:
            wait_for(state_file.exists, timeout=300, message="embedded.json")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\ndev output so far:\n{dev.output}") from None
        state = json.loads(state_file.read_text())
        assert state["database_url"].startswith("postgresql://")
        assert state["redis_url"].startswith("redis://127.0.0.1:")
        env = _client_env(var_dir, external=False, DATABASE_URL=state["database_url"], REDIS_URL=state["redis_url"])
        _exercise(dev, env, var_dir)
        key = (var_dir / "secret_key").read_text()
        pids = [p.pid for p in dev.descendants()] + state["server_pids"]
        assert len(pids) >= 5  # web, worker (+ pool), beat, postgres, redis
        assert dev.terminate() == 0
        _assert_all_stopped(pids)
        assert "Mojodex stopped." in dev.output
        assert not state_file.exists()
        assert (var_dir / "pg" / "PG_VERSION").read_text().strip() == "16"
        assert (var_dir / "redis" / "redis.log").exists()
    finally:
        dev.kill()

    # A second start reuses the data: the user created above is still there.
    dev = DevProcess(_dev_env(var_dir, external=False), free_port())
    try:
        wait_for(lambda: "Press Ctrl-C to stop." in dev.output, timeout=240, message=f"restart:\n{dev.output}")
        assert (var_dir / "secret_key").read_text() == key  # the same key: sessions and tokens survive
        state = json.loads((var_dir / "embedded.json").read_text())
        code = (
            "from apps.accounts.models import User;"
            "print('COUNT=%d' % User.objects.filter(email='dev-test@example.com').count())"
        )
        env = _client_env(var_dir, external=False, DATABASE_URL=state["database_url"], REDIS_URL=state["redis_url"])
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "COUNT=1" in result.stdout, result.stderr
        assert dev.terminate() == 0
    finally:
        dev.kill()


def test_it_uses_configured_servers_and_starts_no_embedded_ones(tmp_path):
    var_dir = tmp_path / "var"
    dev = DevProcess(_dev_env(var_dir, external=True), free_port())
    try:
        _exercise(dev, _client_env(var_dir, external=True), var_dir)
        assert not (var_dir / "pg").exists()
        assert not (var_dir / "redis").exists()
        assert not (var_dir / "embedded.json").exists()
        names = {p.name() for p in dev.descendants()}
        assert not names & {"postgres", "redis-server"}
        pids = [p.pid for p in dev.descendants()]
        assert dev.terminate() == 0
        _assert_all_stopped(pids)
    finally:
        dev.kill()
