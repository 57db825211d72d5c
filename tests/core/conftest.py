"""Fixtures of the core tests."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connection attempted (host, port), observed at ``socket.create_connection``."""
    attempts: list[tuple[str, int]] = []
    real = socket.create_connection

    def observed(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        attempts.append((address[0], address[1]))
        return real(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "create_connection", observed)
    return attempts
