"""Settings read the environment through typed helpers that reject malformed values clearly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mojodex import env

ROOT = Path(__file__).resolve().parents[2]


def test_it_parses_booleans_integers_and_lists(monkeypatch):
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_INT", " 42 ")
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env.env_bool("X_BOOL") is True
    assert env.env_int("X_INT", 1) == 42
    assert env.env_list("X_LIST") == ["a.example", "b.example"]
    assert env.env_int("X_UNSET", 7) == 7


@pytest.mark.parametrize(
    ("name", "value", "call", "message"),
    [
        ("DEBUG", "maybe", lambda: env.env_bool("DEBUG"), "DEBUG must be a boolean"),
        ("X_INT", "ten", lambda: env.env_int("X_INT", 1), "X_INT must be an integer, got 'ten'"),
        ("X_INT", "-1", lambda: env.env_int("X_INT", 1, minimum=0), "X_INT must be >= 0, got -1"),
        (
            "DATABASE_URL",
            "mysql://root@localhost/db",
            lambda: env.database_from_url("DATABASE_URL", os.environ["DATABASE_URL"]),
            "DATABASE_URL must be a postgresql:// URL",
        ),
        (
            "CELERY_BROKER_URL",
            "kafka://broker:9092",
            lambda: env.env_url("CELERY_BROKER_URL", "", schemes={"redis", "amqp"}),
            "CELERY_BROKER_URL must be a URL with scheme amqp, redis",
        ),
    ],
)
def test_it_rejects_a_malformed_value_naming_the_variable(monkeypatch, name, value, call, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        call()


def test_it_reads_secrets_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env.env_secret("X_SECRET") == "s3cret"


def test_it_turns_the_pgserver_socket_query_into_host():
    config = env.database_from_url("DATABASE_URL", "postgresql://postgres:@/mojodex?host=/tmp/pg")
    assert (config["ENGINE"], config["NAME"], config["HOST"], config["USER"]) == (
        "django.db.backends.postgresql",
        "mojodex",
        "/tmp/pg",
        "postgres",
    )
    assert "host" not in config["OPTIONS"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "perhaps", "DEBUG must be a boolean"),
        ("DATABASE_URL", "sqlite:///db.sqlite3", "DATABASE_URL must be a URL with scheme"),
        ("CELERY_WORKER_CONCURRENCY", "0", "CELERY_WORKER_CONCURRENCY must be >= 1"),
        ("REDIS_URL", "memcached://localhost", "REDIS_URL must be a URL with scheme"),
    ],
)
def test_it_refuses_to_start_with_a_malformed_setting(variable, value, message):
    """Loading the real settings module fails at once with the variable named."""
    result = subprocess.run(
        [sys.executable, "-c", "import mojodex.settings"],
        cwd=ROOT,
        env={**os.environ, variable: value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
