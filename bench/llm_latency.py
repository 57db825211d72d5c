"""Latency of the LLM layer against the fake OpenAI server (a benchmark, not a test).

Runs ``apps.llm.services.chat`` (real openai client, streaming) N times over C threads against a
local fake server with a given time to first token and tokens per second, and prints the overhead
the layer adds: time to first token and total duration, p50/p95, versus what the server imposes.

    python bench/llm_latency.py --calls 50 --concurrency 5 --ttft 0.2 --tps 50
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="LLM layer latency against the fake OpenAI server")
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=3)
    parser.add_argument("--ttft", type=float, default=0.2)
    parser.add_argument("--tps", type=float, default=50.0)
    parser.add_argument("--words", type=int, default=40, help="words per reply")
    args = parser.parse_args(argv)

    from bench.fake_openai_server import FakeOpenAIServer

    server = FakeOpenAIServer(ttft=args.ttft, tokens_per_second=args.tps, default_text=" ".join(["word"] * args.words))
    server.start()
    conf = Path(tempfile.mkdtemp()) / "models.json"
    conf.write_text(json.dumps({"openai/gpt-4o": {"api_key": "bench", "base_url": server.base_url}}))
    os.environ.update({"MOJODEX_MODELS_CONF": str(conf), "MOJODEX_LLM_RECORD_CALLS": "false", "LOG_LEVEL": "WARNING"})
    # A throwaway key; the offline embedder/transcriber stand in for the files a bench does not need.
    os.environ.setdefault("SECRET_KEY", "bench-only-" + secrets.token_urlsafe(40))
    os.environ.setdefault("MOJODEX_FAKE_PROVIDERS", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mojodex.settings")
    import django

    django.setup()
    from apps.llm import services

    def one(_: int) -> tuple[float, float]:
        result = services.chat([{"role": "user", "content": "bench"}], on_token=lambda token, text: None)
        return result.time_to_first_token or 0.0, result.duration

    started = time.monotonic()
    try:
        with ThreadPoolExecutor(args.concurrency) as pool:
            samples = list(pool.map(one, range(args.calls)))
    finally:
        server.stop()
    elapsed = time.monotonic() - started
    ttfts = [s[0] for s in samples]
    durations = [s[1] for s in samples]
    ideal = args.ttft + (args.words - 1) / args.tps
    print(f"{args.calls} calls, concurrency {args.concurrency}, {elapsed:.2f}s wall")
    print(
        f"ttft      p50 {statistics.median(ttfts):.3f}s  p95 {_percentile(ttfts, 0.95):.3f}s  (server {args.ttft:.3f}s)"
    )
    print(
        f"duration  p50 {statistics.median(durations):.3f}s  p95 {_percentile(durations, 0.95):.3f}s"
        f"  (server {ideal:.3f}s)"
    )


if __name__ == "__main__":
    main()
