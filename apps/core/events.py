"""Typed payloads of the events apps/core sends."""

from __future__ import annotations

from typing import TypedDict


class EchoData(TypedDict):
    """What the echo consumer sends back: the text received and who sent it."""

    text: str
    user_id: str


class ErrorData(TypedDict):
    error: str
