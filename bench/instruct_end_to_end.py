"""End-to-end latency of an instruct task through the whole platform (a benchmark, not a test).

Starts embedded Postgres and Redis in a temporary directory (or uses DATABASE_URL/REDIS_URL), a
fake OpenAI-compatible server with a given time to first token and token rate, daphne and one
Celery worker. For each run it POSTs the form, then measures on the session WebSocket the time to
the first ``draft_token`` and to the final ``draft_message``. The baseline, in the same run, is the
LLM alone: the same reply streamed straight from the fake server with the openai client. The ratio
(platform / baseline) is the cost of the platform around the model.

    python bench/instruct_end_to_end.py --runs 10 --ttft 0.3 --tps 80
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPLY = (
    "<user_language>en</user_language><execution><title>Weekly budget review</title><draft>"
    + " ".join(f"word{i}" for i in range(60))
    + "</draft></execution>"
)


def _median_p95(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(values) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def _baseline(server_url: str, runs: int) -> tuple[list[float], list[float]]:
    from openai import OpenAI

    client = OpenAI(base_url=server_url, api_key="bench")
    first, total = [], []
    for _ in range(runs):
        start = time.perf_counter()
        seen_first = None
        stream = client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "bench"}], stream=True
        )
        for chunk in stream:
            if seen_first is None and chunk.choices and chunk.choices[0].delta.content:
                seen_first = time.perf_counter() - start
        first.append(seen_first or 0.0)
        total.append(time.perf_counter() - start)
    return first, total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--ttft", type=float, default=0.3)
    parser.add_argument("--tps", type=float, default=80.0)
    args = parser.parse_args(argv)

    from apps.core.embedded import EmbeddedServers, free_port
    from bench.fake_openai_server import FakeOpenAIServer

    tmp = Path(tempfile.mkdtemp(prefix="mojodex-bench-"))
    servers = EmbeddedServers(tmp)
    os.environ.update(servers.start())
    conf = tmp / "models.json"
    fake = FakeOpenAIServer(ttft=args.ttft, tokens_per_second=args.tps, default_text=REPLY).start()
    conf.write_text(json.dumps({"openai/gpt-4o": {"OPENAI_API_KEY": "bench", "base_url": fake.base_url}}))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mojodex.settings",
        "MOJODEX_MODELS_CONF": str(conf),
        "MOJODEX_VAR_DIR": str(tmp / "var"),
        "LOG_LEVEL": "WARNING",
        # A throwaway key; the offline embedder/transcriber stand in for the files a bench does not need.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-" + secrets.token_urlsafe(40),
        "MOJODEX_FAKE_PROVIDERS": "true",
    }
    names = ("DJANGO_SETTINGS_MODULE", "MOJODEX_MODELS_CONF", "MOJODEX_VAR_DIR", "SECRET_KEY", "MOJODEX_FAKE_PROVIDERS")
    os.environ.update({k: env[k] for k in names})
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    import httpx
    from django.utils import timezone
    from websockets.sync.client import connect

    from apps.accounts.models import User
    from apps.accounts.tokens import issue_token
    from apps.assistants.runs import create_execution
    from apps.catalog.models import Task, TaskDisplayedData
    from apps.executions.models import UserTask

    user = User.objects.create_user("bench@example.com", "bench", terms_and_conditions_accepted=timezone.now())
    task = Task.objects.create(name_for_system="bench_task", definition_for_system="Benchmark task.")
    TaskDisplayedData.objects.create(
        task=task,
        language_code="en",
        name_for_user="Bench",
        definition_for_user="Bench",
        json_input=[
            {
                "input_name": "notes",
                "type": "text_area",
                "description_for_user": "Notes",
                "description_for_system": "notes",
            }
        ],
    )
    from apps.products.models import Product, ProductTask
    from apps.products.services.purchases import grant_product

    product = Product.objects.create(label="bench", status="active", free=True)
    ProductTask.objects.create(product=product, task=task)
    grant_product(user, product)
    user_task = UserTask.objects.get(user=user, task=task)

    port = free_port()
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "mojodex.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "celery_app",
                "worker",
                "-Q",
                "llm,workflows,background,notifications",
                "--concurrency",
                "2",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        ),
    ]
    base = f"http://127.0.0.1:{port}"
    token = issue_token(user.pk)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=3).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit("the platform did not become healthy within 60 s")

        first, total = [], []
        for _ in range(args.runs):
            execution = create_execution(user, user_task)
            with connect(f"ws://127.0.0.1:{port}/ws/session/{execution.session_id}/?token={token}") as ws:
                start = time.perf_counter()
                response = httpx.post(
                    f"{base}/user_task_execution_run",
                    headers={"Authorization": token},
                    data={
                        "user_task_execution_pk": execution.pk,
                        "inputs": json.dumps([{"input_name": "notes", "input_value": "bench notes"}]),
                    },
                )
                response.raise_for_status()
                seen_first = None
                while True:
                    message = json.loads(ws.recv(timeout=60))
                    if message["event"] == "draft_token" and seen_first is None:
                        seen_first = time.perf_counter() - start
                    if message["event"] == "draft_message":
                        total.append(time.perf_counter() - start)
                        first.append(seen_first or total[-1])
                        break
        base_first, base_total = _baseline(fake.base_url, args.runs)
    finally:
        for child in children:
            os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            child.wait(30)
        fake.stop()
        servers.stop()

    print(f"instruct task end to end, {args.runs} runs, fake LLM ttft {args.ttft}s at {args.tps} tokens/s")
    print(f"  LLM alone      first token  {_median_p95(base_first)}")
    print(f"  platform       first token  {_median_p95(first)}")
    print(f"  LLM alone      whole answer {_median_p95(base_total)}")
    print(f"  platform       whole draft  {_median_p95(total)}")
    print(
        f"  ratio platform/LLM: first token x{statistics.median(first) / statistics.median(base_first):.2f}, "
        f"whole x{statistics.median(total) / statistics.median(base_total):.2f}"
    )


if __name__ == "__main__":
    main()
