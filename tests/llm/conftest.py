"""Fixtures of the LLM layer tests: the fake OpenAI-compatible server and a network guard."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from apps.llm import fake
from bench.fake_openai_server import FakeOpenAIServer, ScriptedReply

__all__ = ["FakeOpenAI", "ScriptedReply"]


@dataclass
class FakeOpenAI:
    """A running fake server plus helpers writing provider files that point at it."""

    server: FakeOpenAIServer
    settings: Any
    directory: Path
    written: dict[str, Path] = field(default_factory=dict)

    def _write(self, kind: str, setting: str, sections: tuple[str | tuple[str, dict[str, Any]], ...]) -> Path:
        content: dict[str, dict[str, Any]] = {}
        for section in sections:
            name, extra = section if isinstance(section, tuple) else (section, {})
            keys: dict[str, Any] = {"OPENAI_API_KEY": "test-key", "base_url": self.server.base_url}
            if name.startswith("azure/"):
                keys = {"api_key": "test-key", "base_url": self.server.url, "api_version": "2024-06-01"}
            content[name] = keys | extra
        path = self.directory / f"{kind}.json"
        path.write_text(json.dumps(content))
        setattr(self.settings, setting, path)
        self.written[kind] = path
        return path

    def configure_models(self, *sections: str | tuple[str, dict[str, Any]]) -> Path:
        """Write MOJODEX_MODELS_CONF: each section (``"openai/<model>"`` or ``(name, extra keys)``)."""
        return self._write("models", "LLM_MODELS_CONF", sections)

    def configure_embeddings(self, *sections: str | tuple[str, dict[str, Any]]) -> Path:
        return self._write("embedding", "LLM_EMBEDDING_CONF", sections)

    def configure_stt(self, *sections: str | tuple[str, dict[str, Any]]) -> Path:
        return self._write("stt", "LLM_STT_CONF", sections)

    def script(self, *replies: ScriptedReply) -> None:
        self.server.script(*replies)

    def requests_for(self, endpoint: str):
        return self.server.requests_for(endpoint)


@pytest.fixture
def fake_openai(settings, tmp_path) -> Iterator[FakeOpenAI]:
    """The fake server on 127.0.0.1 (free port); chat, embedding and STT providers point at it.

    Chat: ``openai/gpt-4o`` then ``openai/gpt-4o-mini``; embeddings: ``openai/text-embedding-3-small``;
    STT: ``openai/whisper-1``. Retries keep their count but back off 1-5 ms.
    """
    server = FakeOpenAIServer().start()
    settings.LLM_RETRY_BACKOFF_MS = 1
    settings.LLM_RETRY_BACKOFF_MAX_MS = 5
    settings.LLM_MAX_RETRIES = 2
    handle = FakeOpenAI(server=server, settings=settings, directory=tmp_path)
    handle.configure_models("openai/gpt-4o", "openai/gpt-4o-mini")
    handle.configure_embeddings("openai/text-embedding-3-small")
    handle.configure_stt("openai/whisper-1")
    yield handle
    server.stop()


@pytest.fixture
def offline_llm(settings) -> None:
    """No provider file: the fake chat provider, the hashing embedder, the fake transcriber."""
    settings.LLM_MODELS_CONF = None
    settings.LLM_EMBEDDING_CONF = None
    settings.LLM_STT_CONF = None
    settings.LLM_FAKE_TOKEN_DELAY_MS = 0


@pytest.fixture
def fake_script(db):
    """Scripted replies of the fake provider, emptied before and after the test."""
    fake.clear_script()
    yield fake.script_replies
    fake.clear_script()


def _is_local(address: Any) -> bool:
    if isinstance(address, str | bytes):
        return True  # AF_UNIX socket path (Postgres, Redis)
    host = address[0] if isinstance(address, tuple) else ""
    return host in {"127.0.0.1", "::1", "localhost"}


@pytest.fixture
def no_network(monkeypatch) -> list[Any]:
    """Any connection beyond this machine fails (and is listed in the returned list)."""
    attempts: list[Any] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self, address):
        if not _is_local(address):
            attempts.append(address)
            raise OSError(f"network access forbidden in this test: {address!r}")
        return real_connect(self, address)

    def guarded_connect_ex(self, address):
        if not _is_local(address):
            attempts.append(address)
            raise OSError(f"network access forbidden in this test: {address!r}")
        return real_connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in {"127.0.0.1", "::1", "localhost", None}:
            attempts.append(host)
            raise OSError(f"name resolution forbidden in this test: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return attempts
