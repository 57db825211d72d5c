"""A fake OpenAI-compatible HTTP server, for tests and benchmarks (stdlib only).

Serves ``POST …/chat/completions`` (JSON or SSE streaming), ``POST …/embeddings`` and
``POST …/audio/transcriptions`` (multipart) under any prefix, so the OpenAI client (``base_url`` =
``<url>/v1``) and the Azure client (``/openai/deployments/<name>/…``) both reach it. Replies are
scripted (``ScriptedReply``: text or chunks, error status, delay, time to first token, tokens per
second, ``Retry-After``), consumed first-match in order; unscripted requests get deterministic
defaults. Every request is recorded for assertions.

In Python::

    with FakeOpenAIServer() as server:
        server.script(ScriptedReply(status=429), ScriptedReply(text="Hello world"))
        ...  # point a client at server.base_url
        assert len(server.requests_for("chat")) == 2

As a script (benchmarks)::

    python bench/fake_openai_server.py --port 8099 --ttft 0.4 --tps 40 --error-rate 0.05

then script it over HTTP: ``POST /_fake/script`` (a JSON list of ScriptedReply fields),
``GET /_fake/requests``, ``POST /_fake/reset``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import struct
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEFAULT_CHAT_TEXT = "This is a reply from the fake OpenAI server."
ENDPOINTS = {"chat": "/chat/completions", "embeddings": "/embeddings", "transcriptions": "/audio/transcriptions"}


def split_tokens(text: str) -> list[str]:
    """Words with their trailing whitespace: the streamed chunks of a scripted text."""
    return re.findall(r"\S+\s*|\s+", text)


def fake_vector(text: str, dimensions: int) -> list[float]:
    """A deterministic vector in [-1, 1]^dimensions derived from the text's hash."""
    values: list[float] = []
    counter = 0
    while len(values) < dimensions:
        digest = hashlib.sha256(f"{counter}:{text}".encode()).digest()
        values.extend((n / 2**31) - 1.0 for n in struct.unpack(">8I", digest))
        counter += 1
    return [round(v, 6) for v in values[:dimensions]]


@dataclass
class ScriptedReply:
    """One scripted answer. ``endpoint``/``model`` restrict which request consumes it."""

    text: str | None = None
    chunks: list[str] | None = None
    status: int = 200
    error_message: str = "injected error"
    delay: float = 0.0
    ttft: float | None = None
    tokens_per_second: float | None = None
    retry_after: float | None = None
    endpoint: str | None = None
    model: str | None = None
    embeddings: list[list[float]] | None = None
    segments: list[dict[str, Any]] | None = None
    duration: float | None = None

    def matches(self, endpoint: str, model: str | None) -> bool:
        return (self.endpoint is None or self.endpoint == endpoint) and (self.model is None or self.model == model)


@dataclass
class RecordedRequest:
    method: str
    path: str
    endpoint: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    json: dict[str, Any] | None = None
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    @property
    def model(self) -> str | None:
        if self.json is not None:
            return self.json.get("model")
        return self.form.get("model")


class FakeOpenAIServer:
    """The server: ``start()``/``stop()`` (or a ``with`` block), ``script()``, ``requests``."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        ttft: float = 0.0,
        tokens_per_second: float | None = None,
        default_text: str = DEFAULT_CHAT_TEXT,
        embedding_dimensions: int = 1536,
        error_rate: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.ttft = ttft
        self.tokens_per_second = tokens_per_second
        self.default_text = default_text
        self.embedding_dimensions = embedding_dimensions
        self.error_rate = error_rate
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._script: list[ScriptedReply] = []
        self._requests: list[RecordedRequest] = []
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def start(self) -> FakeOpenAIServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes replies sleeping on a delay
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- scripting ------------------------------------------------------------------------------
    def script(self, *replies: ScriptedReply) -> None:
        with self._lock:
            self._script.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self._requests.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_for(self, endpoint: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.endpoint == endpoint]

    @property
    def pending_script(self) -> list[ScriptedReply]:
        with self._lock:
            return list(self._script)

    def _record_and_pick(self, request: RecordedRequest) -> ScriptedReply | None:
        with self._lock:
            self._requests.append(request)
            for index, reply in enumerate(self._script):
                if reply.matches(request.endpoint, request.model):
                    return self._script.pop(index)
            if self.error_rate and self._random.random() < self.error_rate:
                return ScriptedReply(status=500, error_message="random injected error")
        return None

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    form: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        raw = part.get_payload(decode=True)
        payload = raw if isinstance(raw, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[str(name)] = (filename, payload)
        else:
            form[str(name)] = payload.decode("utf-8", "replace")
    return form, files


def _handler_for(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection; a stream ends when it closes

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        # --- plumbing ---------------------------------------------------------------------------
        def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def _send_text(self, status: int, text: str) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _send_error(self, reply: ScriptedReply) -> None:
            headers = {"Retry-After": str(reply.retry_after)} if reply.retry_after is not None else {}
            kind = "rate_limit_exceeded" if reply.status == 429 else "server_error"
            if 400 <= reply.status < 500 and reply.status != 429:
                kind = "invalid_request_error"
            error = {"message": reply.error_message, "type": kind, "param": None, "code": kind}
            self._send_json(reply.status, {"error": error}, headers)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/_fake/requests":
                self._send_json(200, [asdict(r) | {"files": list(r.files)} for r in server.requests])
            elif path.endswith("/models"):
                self._send_json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
            else:
                self._send_json(404, {"error": {"message": f"no route {path}", "type": "not_found"}})

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if parts.path == "/_fake/script":
                server.script(*(ScriptedReply(**item) for item in json.loads(body or b"[]")))
                self._send_json(200, {"scripted": len(server.pending_script)})
                return
            if parts.path == "/_fake/reset":
                server.reset()
                self._send_json(200, {"reset": True})
                return
            endpoint = next((name for name, suffix in ENDPOINTS.items() if parts.path.endswith(suffix)), "")
            if not endpoint:
                self._send_json(404, {"error": {"message": f"no route {parts.path}", "type": "not_found"}})
                return
            content_type = self.headers.get("Content-Type", "")
            recorded = RecordedRequest(
                method="POST",
                path=parts.path,
                endpoint=endpoint,
                query=parse_qs(parts.query),
                headers={k.lower(): v for k, v in self.headers.items()},
            )
            if content_type.startswith("multipart/form-data"):
                recorded.form, recorded.files = _parse_multipart(content_type, body)
            else:
                try:
                    recorded.json = json.loads(body or b"{}")
                except ValueError:
                    self._send_json(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
                    return
            reply = server._record_and_pick(recorded) or ScriptedReply()
            server.sleep(reply.delay)
            try:
                if reply.status >= 400:
                    self._send_error(reply)
                elif endpoint == "chat":
                    self._chat(recorded, reply)
                elif endpoint == "embeddings":
                    self._embeddings(recorded, reply)
                else:
                    self._transcription(recorded, reply)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (stream cancelled or timed out)

        # --- endpoints --------------------------------------------------------------------------
        def _chat(self, request: RecordedRequest, reply: ScriptedReply) -> None:
            payload = request.json or {}
            text = reply.text if reply.text is not None else "".join(reply.chunks or []) or server.default_text
            chunks = reply.chunks if reply.chunks is not None else split_tokens(text)
            model = payload.get("model", "fake")
            base = {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "created": int(time.time()), "model": model}
            if not payload.get("stream"):
                server.sleep(reply.ttft if reply.ttft is not None else server.ttft)
                self._send_json(
                    200,
                    base
                    | {
                        "object": "chat.completion",
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                        ],
                        "usage": {"prompt_tokens": 0, "completion_tokens": len(chunks), "total_tokens": len(chunks)},
                    },
                )
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            tps = reply.tokens_per_second or server.tokens_per_second
            server.sleep(reply.ttft if reply.ttft is not None else server.ttft)

            def event(delta: dict[str, Any], finish: str | None) -> None:
                chunk = base | {
                    "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()

            event({"role": "assistant", "content": ""}, None)
            for index, token in enumerate(chunks):
                if index and tps:
                    server.sleep(1.0 / tps)
                event({"content": token}, None)
            event({}, "stop")
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _embeddings(self, request: RecordedRequest, reply: ScriptedReply) -> None:
            payload = request.json or {}
            inputs = payload.get("input", [])
            if isinstance(inputs, str):
                inputs = [inputs]
            dimensions = int(payload.get("dimensions") or server.embedding_dimensions)
            vectors = reply.embeddings or [fake_vector(str(text), dimensions) for text in inputs]
            data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
            tokens = sum(len(split_tokens(str(t))) for t in inputs)
            self._send_json(
                200,
                {
                    "object": "list",
                    "data": data,
                    "model": payload.get("model", "fake"),
                    "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
                },
            )

        def _transcription(self, request: RecordedRequest, reply: ScriptedReply) -> None:
            filename = next(iter(request.files.values()), ("audio", b""))[0]
            text = reply.text if reply.text is not None else f"Transcription of {filename}."
            duration = reply.duration if reply.duration is not None else 1.0
            segments = reply.segments or [{"id": 0, "start": 0.0, "end": duration, "text": text}]
            fmt = request.form.get("response_format", "json")
            if fmt == "text":
                self._send_text(200, text)
            elif fmt == "verbose_json":
                self._send_json(
                    200,
                    {
                        "task": "transcribe",
                        "language": "english",
                        "duration": duration,
                        "text": text,
                        "segments": segments,
                    },
                )
            else:
                self._send_json(200, {"text": text})

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--ttft", type=float, default=0.0, help="seconds before the first token")
    parser.add_argument("--tps", type=float, default=None, help="streamed tokens per second")
    parser.add_argument("--reply", default=DEFAULT_CHAT_TEXT, help="default chat reply")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of requests answered with a 500")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    server = FakeOpenAIServer(
        args.host,
        args.port,
        ttft=args.ttft,
        tokens_per_second=args.tps,
        default_text=args.reply,
        error_rate=args.error_rate,
        seed=args.seed,
    )
    print(f"fake OpenAI server on {server.base_url}", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()


if __name__ == "__main__":
    main()
