"""Flower (task arguments, revoke, worker shutdown) never runs without authentication, and is not
published beyond the host (issue 13)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from apps.core.embedded import free_port
from tests.processes import ROOT, process_env, stop_process, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _flower(tmp_path: Path, port: int, basic_auth: str) -> subprocess.Popen[bytes]:
    log = open(tmp_path / "flower.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "celery_app", "flower", f"--port={port}", "--address=127.0.0.1"],
        cwd=ROOT,
        env={**process_env(FLOWER_BASIC_AUTH=basic_auth)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_it_asks_for_the_basic_auth_credentials(transactional_db, tmp_path):
    port = free_port()
    process = _flower(tmp_path, port, "ops:s3cret-flower")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: httpx.get(f"{base}/healthcheck", timeout=2).status_code, timeout=60, message="flower")
        assert httpx.get(f"{base}/", timeout=5).status_code == 401
        assert httpx.get(f"{base}/api/workers", timeout=5).status_code == 401
        assert httpx.get(f"{base}/", auth=("ops", "wrong"), timeout=5).status_code == 401
        assert httpx.get(f"{base}/", auth=("ops", "s3cret-flower"), timeout=10).status_code == 200
    finally:
        stop_process(process)


@pytest.mark.parametrize("basic_auth", ["", "ops", "ops:", ":pw"])
def test_it_refuses_to_start_without_usable_credentials(transactional_db, tmp_path, basic_auth):
    process = _flower(tmp_path, free_port(), basic_auth)
    try:
        assert process.wait(timeout=60) != 0
        assert "FLOWER_BASIC_AUTH (user:password) is required" in (tmp_path / "flower.log").read_text()
    finally:
        stop_process(process)


def test_it_is_published_on_the_loopback_only_in_compose_and_internal_in_kubernetes():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["flower"]["ports"] == ["127.0.0.1:${FLOWER_PORT:-5555}:5555"]
    docs = [
        doc for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text())
    ]
    service = next(d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == "mojodex-flower")
    assert service["spec"]["type"] == "ClusterIP"
    backends = [
        p["backend"]["service"]["name"]
        for d in docs
        if d["kind"] == "Ingress"
        for rule in d["spec"]["rules"]
        for p in rule["http"]["paths"]
    ]
    assert backends == ["mojodex-web"]
    secret = next(d for d in docs if d["kind"] == "Secret")
    assert secret["stringData"]["FLOWER_BASIC_AUTH"]
