"""docker-compose.yml and the Kubernetes manifests, checked by reading them (no Docker here)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
QUEUES = "llm,workflows,background,notifications"


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_declares_every_service_with_its_command():
    services = _compose()["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "beat", "flower"}
    assert services["db"]["image"].startswith("pgvector/pgvector:pg16")
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["web"]["command"][:1] == ["daphne"]
    assert "mojodex.asgi:application" in services["web"]["command"]
    assert services["worker"]["command"][:5] == ["celery", "-A", "celery_app", "worker", "-Q"]
    assert services["worker"]["command"][5] == QUEUES
    assert "django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["flower"]["command"][3] == "flower"


def test_it_builds_one_image_and_configures_through_env_file():
    services = _compose()["services"]
    app_services = ["migrate", "web", "worker", "beat", "flower"]
    assert {services[name]["build"] for name in app_services} == {"."}
    assert {services[name]["image"] for name in app_services} == {"mojodex-django:latest"}
    for name in app_services:
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert (ROOT / "Dockerfile").is_file()
    assert (ROOT / ".env.example").is_file()


def test_it_orders_start_up_with_health_checks():
    services = _compose()["services"]
    for name in ("db", "redis", "web"):
        assert services[name]["healthcheck"]["test"], name
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_env_example_documents_every_variable_the_compose_file_and_settings_read():
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    settings_source = (ROOT / "mojodex" / "settings.py").read_text()

    read = set(re.findall(r'env_(?:str|bool|int|list|secret|path|url)\(\s*"([A-Z0-9_]+)"', settings_source))
    assert read - documented == set()


def test_kubernetes_manifests_parse_and_beat_is_single():
    docs = {}
    for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc.get("kind") != "Kustomization":
                docs[(doc["kind"], doc["metadata"]["name"])] = doc
    assert docs[("Deployment", "mojodex-beat")]["spec"]["replicas"] == 1
    assert docs[("Job", "mojodex-migrate")]["spec"]["template"]["spec"]["containers"][0]["command"][-2:] == [
        "migrate",
        "--noinput",
    ]
    worker = docs[("Deployment", "mojodex-worker")]["spec"]["template"]["spec"]["containers"][0]
    assert QUEUES in worker["command"]
