"""``manage.py dev``: the whole platform on one machine, with nothing installed but Python.

With no ``DATABASE_URL``/``REDIS_URL`` it starts embedded Postgres+pgvector and Redis under
``MOJODEX_VAR_DIR`` (default ``./var``); then migrates, seeds the demo data, and supervises daphne,
a Celery worker on every queue and celery beat until Ctrl-C or SIGTERM stops them all. With no
configuration, ``manage.py`` has already chosen a key generated once under ``MOJODEX_VAR_DIR`` and
the offline fake providers (``apps.core.devenv``); the banner says so, and is printed only once
daphne accepts connections and the worker answers a ping.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.embedded import EmbeddedServers
from apps.core.supervisor import Supervisor
from celery_app import QUEUES

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the platform locally: embedded Postgres/Redis (unless configured), web, worker, beat."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--concurrency", type=int, default=settings.CELERY_WORKER_CONCURRENCY)

    def handle(self, *args: Any, **options: Any) -> None:
        var_dir = settings.VAR_DIR
        var_dir.mkdir(parents=True, exist_ok=True)
        servers = EmbeddedServers(var_dir)
        supervisor: Supervisor | None = None
        try:
            started = servers.start()
            env = {
                **os.environ,
                **started,
                "DJANGO_SETTINGS_MODULE": "mojodex.settings",
                "MOJODEX_VAR_DIR": str(var_dir),
                "PYTHONUNBUFFERED": "1",
            }
            if started:
                state = {
                    "database_url": env["DATABASE_URL"],
                    "redis_url": env["REDIS_URL"],
                    "pid": os.getpid(),
                    "server_pids": servers.pids(),
                }
                settings.EMBEDDED_STATE_FILE.write_text(json.dumps(state, indent=2))
            self._prepare_database(env)
            supervisor = self._supervisor(env, options)
            supervisor.start()
            readiness = Readiness(options["host"], options["port"], env)
            announced = False

            def announce_when_ready() -> None:
                nonlocal announced
                if not announced and readiness.ready():
                    announced = True
                    self.stdout.write(self._banner(options))
                    self.stdout.flush()

            supervisor.run_until_signalled(tick=announce_when_ready)
        finally:
            if supervisor is not None:
                supervisor.stop()
            servers.stop()
            if servers.postgres or servers.redis:
                settings.EMBEDDED_STATE_FILE.unlink(missing_ok=True)
            self.stdout.write("Mojodex stopped.")

    def _banner(self, options: dict[str, Any]) -> str:
        from apps.llm import config

        url = f"http://{options['host']}:{options['port']}"
        used = config.providers_in_use()
        loaders = (config.chat_providers, config.embedding_providers, config.stt_providers)
        faked = any(entry.is_fake for loader in loaders for entry in loader())
        lines = [
            f"Mojodex is running at {url}/app/  (admin: {url}/admin/, API docs: {url}/api/docs/)",
            "Demo login: demo@example.com / demo",
            "Providers: LLM {}, embedder {}, transcriber {}".format(
                *(", ".join(used[kind]) for kind in ("llm", "embedder", "transcriber"))
            ),
        ]
        if faked and settings.LLM_FAKE_PROVIDERS:
            lines.append(
                "  MOJODEX_FAKE_PROVIDERS=true: offline fakes stand in for the provider files not set "
                "(real providers: docs/llm.md)"
            )
        key_file = os.environ.get("SECRET_KEY_FILE")
        if key_file and not os.environ.get("SECRET_KEY"):
            lines.append(f"Secret key: {key_file} (generated once, reused on restart)")
        lines.append("Press Ctrl-C to stop.")
        return "\n".join(lines)

    def _manage(self, env: dict[str, str], *argv: str) -> None:
        result = subprocess.run([sys.executable, "manage.py", *argv], env=env, cwd=settings.BASE_DIR)
        if result.returncode != 0:
            raise CommandError(f"manage.py {' '.join(argv)} failed with exit code {result.returncode}")

    def _prepare_database(self, env: dict[str, str]) -> None:
        self._manage(env, "migrate", "--noinput")
        self._manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        if "seed_demo" in get_commands():
            self._manage(env, "seed_demo")

    def _supervisor(self, env: dict[str, str], options: dict[str, Any]) -> Supervisor:
        python = sys.executable
        supervisor = Supervisor(env=env, cwd=str(settings.BASE_DIR))
        supervisor.add(
            "web",
            [python, "-m", "daphne", "-b", options["host"], "-p", str(options["port"]), "mojodex.asgi:application"],
        )
        supervisor.add(
            "worker",
            [
                python,
                "-m",
                "celery",
                "-A",
                "celery_app",
                "worker",
                "-Q",
                ",".join(QUEUES),
                "-n",
                "dev@%h",
                "--concurrency",
                str(options["concurrency"]),
                "-l",
                "INFO",
            ],
        )
        supervisor.add(
            "beat",
            [
                python,
                "-m",
                "celery",
                "-A",
                "celery_app",
                "beat",
                "-l",
                "INFO",
                "--pidfile=",
                "-S",
                "django_celery_beat.schedulers:DatabaseScheduler",
            ],
        )
        return supervisor


class Readiness:
    """Daphne accepts a connection and the dev worker answers a real control ping."""

    def __init__(self, host: str, port: int, env: dict[str, str]):
        self.address = ("127.0.0.1" if host in {"0.0.0.0", "::", ""} else host, port)
        self.broker_url = env.get("CELERY_BROKER_URL") or env.get("REDIS_URL") or settings.CELERY_BROKER_URL
        self.worker = f"dev@{socket.gethostname()}"
        self.web_up = False
        self.next_ping = 0.0

    def _web(self) -> bool:
        try:
            with socket.create_connection(self.address, timeout=1):
                return True
        except OSError:
            return False

    def _worker(self) -> bool:
        # Its own app on the started broker: the project's app was configured from settings read
        # before the embedded servers existed (and publishes control messages on its own pool).
        from celery import Celery

        probe = Celery("mojodex-dev-readiness", broker=self.broker_url, set_as_current=False)
        try:
            replies = probe.control.ping(destination=[self.worker], timeout=1.0) or []
        finally:
            probe.close()
        return any(self.worker in reply for reply in replies)

    def ready(self) -> bool:
        self.web_up = self.web_up or self._web()
        if not self.web_up or time.monotonic() < self.next_ping:
            return False
        self.next_ping = time.monotonic() + 1.0
        try:
            return self._worker()
        except Exception as exc:  # the broker may still be starting: ask again next tick
            logger.debug("worker ping failed: %s", exc)
            return False
