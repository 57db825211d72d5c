"""The prompt/response dataset (``MOJODEX_PROMPT_DATASET``, off by default).

As the original: ``<DATA_DIR>/prompts_dataset/chat/<label>/<task_name_for_system or None>/<n>.json``
with ``{temperature, max_tokens, n_responses, frequency_penalty, presence_penalty, messages,
responses}`` (+ ``model_config``). ``n`` is the next free number; files are created exclusively, so
concurrent workers never overwrite each other.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]+")


def _segment(value: str | None) -> str:
    cleaned = _UNSAFE.sub("_", str(value)).strip("._") if value else ""
    return cleaned or "None"


def write_chat_sample(
    *,
    label: str,
    task_name_for_system: str | None,
    messages: list[dict[str, Any]],
    response: str,
    temperature: float,
    max_tokens: int,
    model_config: dict[str, Any] | None = None,
) -> Path | None:
    """Store one chat call when the dataset is enabled; never raises (returns None on failure)."""
    if not settings.LLM_PROMPT_DATASET:
        return None
    folder = Path(settings.DATA_DIR) / "prompts_dataset" / "chat" / _segment(label) / _segment(task_name_for_system)
    payload: dict[str, Any] = {
        "temperature": temperature,
        "max_tokens": max_tokens,
        "n_responses": 1,
        "frequency_penalty": 0,
        "presence_penalty": 0,
        "messages": messages,
        "responses": [response],
    }
    if model_config is not None:
        payload["model_config"] = model_config
    try:
        folder.mkdir(parents=True, exist_ok=True)
        number = len(list(folder.glob("*.json"))) + 1
        while True:
            path = folder / f"{number}.json"
            try:
                with path.open("x", encoding="utf-8") as handle:
                    json.dump(payload, handle, ensure_ascii=False, indent=2, default=str)
                return path
            except FileExistsError:
                number += 1
    except OSError as exc:
        logger.error("could not write the prompt dataset sample under %s: %s", folder, exc)
        return None
