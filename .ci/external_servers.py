"""Run a command against external servers, the way a production deployment is wired.

Starts a separate pgserver instance (Postgres 16 + pgvector; Debian's PostgreSQL has no pgvector)
in a temporary directory and points ``DATABASE_URL`` at it; ``REDIS_URL`` at the machine's Redis
and ``CELERY_BROKER_URL`` at its RabbitMQ (override either with EXTERNAL_REDIS_URL /
EXTERNAL_BROKER_URL). Fails at once, saying which, when Redis or RabbitMQ cannot be reached.

Usage: python .ci/external_servers.py -- <command> [args...]
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from apps.core.embedded import EmbeddedPostgres


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    default_port = {"redis": 6379, "amqp": 5672}.get(parts.scheme, 0)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=3):
            return True
    except OSError:
        return False


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print(__doc__)
        return 2
    command = argv[argv.index("--") + 1 :]
    redis_url = os.environ.get("EXTERNAL_REDIS_URL", "redis://127.0.0.1:6379/15")
    broker_url = os.environ.get("EXTERNAL_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
    for name, url in (("Redis", redis_url), ("RabbitMQ", broker_url)):
        if not _reachable(url):
            print(f"external_servers: {name} is not reachable at {url}", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory(prefix="mojodex-external-pg-") as tmp:
        postgres = EmbeddedPostgres(data_dir=Path(tmp) / "pg")
        database_url = postgres.start(database="mojodex_external")
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": broker_url,
            "MOJODEX_TEST_VAR_DIR": os.path.join(tmp, "var"),
        }
        print(
            f"external_servers: DATABASE_URL={database_url} REDIS_URL={redis_url} CELERY_BROKER_URL={broker_url}",
            flush=True,
        )
        try:
            return subprocess.call(command, env=env)
        finally:
            postgres.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
