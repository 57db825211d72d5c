"""The runtime install, checked in a virtualenv made from requirements.txt alone (.ci/runtime_check.sh).

With production-like settings (DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS, HTTPS hardening, real
provider files pointing nowhere, no fakes): every third-party package the app code imports is named
in requirements.txt; `manage.py check --deploy` reports nothing; `migrate` runs on an empty database
(a fresh pgserver); every module of mojodex/, apps/, workflow_steps/ and celery_app.py imports; daphne
and a Celery worker start and GET /health answers 200 naming the configured providers.

Usage (inside that virtualenv): python .ci/runtime_check.py WORK_DIR
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apps.core.embedded import EmbeddedPostgres, EmbeddedRedis, free_port  # noqa: E402

APP_CODE = ("mojodex", "apps", "workflow_steps", "celery_app.py", "manage.py")
FIRST_PARTY = {"mojodex", "apps", "workflow_steps", "celery_app", "manage"}
# Real provider sections (never called here): production names its providers, the fakes are off.
PROVIDER_FILES = {
    "MOJODEX_MODELS_CONF": {"openai/gpt-4o": {"OPENAI_API_KEY": "sk-runtime-check", "base_url": "http://127.0.0.1:9"}},
    "MOJODEX_EMBEDDING_CONF": {"openai/text-embedding-3-small": {"OPENAI_API_KEY": "sk-runtime-check"}},
    "MOJODEX_STT_CONF": {"openai/whisper-1": {"OPENAI_API_KEY": "sk-runtime-check"}},
}


def step(text: str) -> None:
    print(f"runtime check: {text}", flush=True)


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def app_files() -> list[Path]:
    files: list[Path] = []
    for name in APP_CODE:
        path = ROOT / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def check_requirements(requirements: Path = ROOT / "requirements.txt") -> None:
    """Each top-level third-party import of app code comes from a distribution requirements.txt names."""
    required = set()
    for line in requirements.read_text().splitlines():
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line.split("#", 1)[0])
        if match:
            required.add(_normalize(match.group(1)))
    imported: dict[str, str] = {}
    for path in app_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                imported.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    owners = importlib.metadata.packages_distributions()
    problems = []
    for module, where in sorted(imported.items()):
        if module in sys.stdlib_module_names or module in FIRST_PARTY:
            continue
        distributions = owners.get(module)
        if not distributions:
            problems.append(f"{module} (imported by {where}) is not installed from requirements.txt")
        elif not {_normalize(d) for d in distributions} & required:
            problems.append(f"{module} (imported by {where}) comes from {distributions}, not named in requirements.txt")
    if problems:
        raise SystemExit("runtime check: requirements.txt is incomplete:\n  " + "\n  ".join(problems))
    step(f"requirements.txt names every third-party import of the app code ({len(imported)} top-level modules)")


def module_names() -> list[str]:
    names = []
    for path in app_files():
        if path.name == "manage.py":
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def run(env: dict[str, str], *argv: str) -> str:
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise SystemExit(
            f"runtime check: {' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.stdout + result.stderr


def production_env(work: Path, database_url: str, redis_url: str) -> dict[str, str]:
    for name, content in PROVIDER_FILES.items():
        (work / f"{name.lower()}.json").write_text(json.dumps(content))
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE"}
    return {
        **{k: v for k, v in os.environ.items() if k in keep},
        **{name: str(work / f"{name.lower()}.json") for name in PROVIDER_FILES},
        "DJANGO_SETTINGS_MODULE": "mojodex.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MOJODEX_HEALTH_SECRET": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": "https://localhost",
        "SECURE_PROXY_SSL_HEADER": "true",
        "SECURE_SSL_REDIRECT": "true",
        "SESSION_COOKIE_SECURE": "true",
        "CSRF_COOKIE_SECURE": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "SECURE_HSTS_PRELOAD": "true",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MOJODEX_VAR_DIR": str(work / "var"),
        "MOJODEX_CHANNEL_PREFIX": "mojodex-runtime-check",
        "PYTHONUNBUFFERED": "1",
    }


def check_management(env: dict[str, str]) -> None:
    output = run(env, sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    if "no issues (0 silenced)" not in output:
        raise SystemExit(f"runtime check: check --deploy reported issues:\n{output}")
    step("manage.py check --deploy: no issues (0 silenced)")
    run(env, sys.executable, "manage.py", "migrate", "--noinput")
    plan = run(env, sys.executable, "manage.py", "migrate", "--plan")
    if "No planned migration operations" not in plan:
        raise SystemExit(f"runtime check: migrations left after migrate:\n{plan}")
    step("manage.py migrate on an empty database: done, nothing left to apply")
    names = module_names()
    code = "import django, importlib, sys; django.setup(); [importlib.import_module(n) for n in sys.argv[1:]]"
    run(env, sys.executable, "-c", code, *names)
    step(f"imported all {len(names)} modules")
    run(env, sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0")


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def check_serving(env: dict[str, str], work: Path) -> None:
    port = free_port()
    logs = {name: open(work / f"{name}.log", "wb") for name in ("web", "worker")}  # noqa: SIM115
    argv = {
        "web": [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "mojodex.asgi:application"],
        "worker": [sys.executable, "-m", "celery", "-A", "celery_app", "worker", "-n", "runtime@%h", "-c", "1"],
    }
    processes = {
        name: subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=logs[name], stderr=subprocess.STDOUT, start_new_session=True
        )
        for name, command in argv.items()
    }
    try:
        deadline = time.monotonic() + 180
        status, body = 0, b""
        while time.monotonic() < deadline:
            for name, process in processes.items():
                if process.poll() is not None:
                    raise SystemExit(f"runtime check: {name} exited:\n{(work / f'{name}.log').read_text()}")
            try:
                status, body = get(f"http://127.0.0.1:{port}/health", {"X-Health-Secret": env["MOJODEX_HEALTH_SECRET"]})
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(1)
        if status != 200:
            raise SystemExit(f"runtime check: /health answered {status}: {body!r}")
        report = json.loads(body)
        expected = {
            "llm": ["openai/gpt-4o"],
            "embedder": ["openai/text-embedding-3-small"],
            "transcriber": ["openai/whisper-1"],
        }
        if report["providers"] != {"ok": True, **expected} or report["workers"]["names"] != [
            f"runtime@{os.uname().nodename}"
        ]:
            raise SystemExit(f"runtime check: unexpected /health report: {report}")
        step(f"daphne and a worker started; /health 200 with providers {expected}")
        status, body = get(f"http://127.0.0.1:{port}/health")
        if status != 200 or json.loads(body) != {"status": "ok"}:
            raise SystemExit(f"runtime check: anonymous /health answered {status}: {body!r}")
        step("anonymous /health: the status only")
        https = {"X-Forwarded-Proto": "https"}  # as from the TLS-terminating proxy
        for path in ("/api/docs/", "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"):
            status, _ = get(f"http://127.0.0.1:{port}{path}", https)
            if status != 200:
                raise SystemExit(f"runtime check: {path} answered {status}")
        step("Swagger UI and its assets served by the app")
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def main(work: Path) -> None:
    check_requirements()
    postgres = EmbeddedPostgres(data_dir=work / "pg")
    redis = EmbeddedRedis(data_dir=work / "redis")
    try:
        database_url = postgres.start(database="mojodex_runtime")
        env = production_env(work, database_url, redis.start())
        check_management(env)
        check_serving(env, work)
    finally:
        redis.stop()
        postgres.stop()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]).resolve())
