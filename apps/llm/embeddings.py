"""Embeddings: batched provider calls, or a local offline embedder.

Providers come from ``MOJODEX_EMBEDDING_CONF`` (sections like ``openai/text-embedding-ada-002`` or
``azure/text-embedding-ada-002`` with the original's ``ADA_EMBEDDING_AZURE_OPENAI_*`` keys, in
order of preference, under the shared retry/fallback policy). Texts are sent
``MOJODEX_EMBEDDING_BATCH_SIZE`` per request. With no file, or with a ``local/hashing`` section,
the ``HashingEmbedder`` runs in-process: deterministic feature hashing of words and word pairs into
``MOJODEX_EMBEDDING_DIMENSIONS`` (1536) signed buckets, L2-normalised. It needs no model and no
network, and finds texts sharing words, but it knows no synonyms or meaning: retrieval quality is
well below a real embedding model. Use it for offline installs and tests.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import time
from collections.abc import Sequence

import httpx2
import openai
from django.conf import settings

from apps.llm import config as provider_config
from apps.llm import costs, providers, tokens
from apps.llm.config import ProviderConfig
from apps.llm.errors import LLMTerminalError
from apps.llm.models import LLMCall
from apps.llm.retry import run_with_policy

_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic feature-hashing embedder (see module docstring for its limits)."""

    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions

    def _bucket(self, feature: str) -> tuple[int, float]:
        digest = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")
        return digest % self.dimensions, (1.0 if (digest >> 63) & 1 else -1.0)

    def embed_one(self, text: str) -> list[float]:
        words = [w.lower() for w in _WORD.findall(text or "")]
        counts: dict[str, int] = {}
        for feature in [*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))]:
            counts[feature] = counts.get(feature, 0) + 1
        vector = [0.0] * self.dimensions
        for feature, count in counts.items():
            index, sign = self._bucket(feature)
            vector[index] += sign * (1.0 + math.log(count))
        norm = math.sqrt(sum(v * v for v in vector))
        if norm == 0:
            vector[0] = 1.0  # a zero vector has no cosine distance; empty texts all map here
            return vector
        return [v / norm for v in vector]

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.embed_one(text) for text in texts]


def _embed_batch(config: ProviderConfig, batch: list[str]) -> list[list[float]]:
    if config.is_fake:
        return HashingEmbedder(config.dimensions or settings.LLM_EMBEDDING_DIMENSIONS).embed(batch)
    timeout = float(config.timeout or settings.LLM_TIMEOUT)
    client = providers.build_client(
        config, timeout=timeout, connect_timeout=float(config.connect_timeout or settings.LLM_CONNECT_TIMEOUT)
    )
    params: dict = {
        "model": config.deployment if config.azure_client else config.api_model,
        "input": batch,
        "encoding_format": "float",
    }
    if config.dimensions:
        params["dimensions"] = config.dimensions
    try:
        response = client.embeddings.create(**params)
    except (openai.OpenAIError, httpx2.HTTPError, TimeoutError) as exc:
        raise providers.map_error(exc, config) from exc
    finally:
        client.close()
    vectors = [item.embedding for item in sorted(response.data, key=lambda item: item.index)]
    if len(vectors) != len(batch):
        raise LLMTerminalError(f"{config.section}: {len(vectors)} embeddings returned for {len(batch)} texts")
    return [list(map(float, v)) for v in vectors]


def embed(
    texts: Sequence[str],
    *,
    user_id: str | None = None,
    label: str = "embedding",
    execution_pk: int | None = None,
    task_name: str | None = None,
) -> list[list[float]]:
    """One vector per text, in order; one provider request per batch."""
    texts = [str(text) for text in texts]
    if not texts:
        return []
    candidates = provider_config.embedding_providers()
    size = settings.LLM_EMBEDDING_BATCH_SIZE
    vectors: list[list[float]] = []
    for start in range(0, len(texts), size):
        batch = texts[start : start + size]

        def record(
            config: ProviderConfig,
            attempt: int,
            status: str,
            duration: float = 0.0,
            error: str = "",
            batch: list[str] = batch,
        ) -> None:
            if config.is_fake:
                return  # in-process: nothing to account for
            n_tokens = sum(tokens.count_text(t, config.model) for t in batch)
            ok = status == LLMCall.Status.OK
            costs.record_call(
                costs.CallRecord(
                    kind=LLMCall.Kind.EMBEDDING,
                    config=config,
                    user_id=user_id,
                    user_task_execution_pk=execution_pk,
                    task_name_for_system=task_name,
                    label=label,
                    prompt_tokens=n_tokens,
                    cost=costs.token_cost(config, n_tokens, 0) if ok else None,
                    duration=duration,
                    status=status,
                    attempt=attempt,
                    error=error,
                )
            )

        def attempt_batch(config: ProviderConfig, attempt: int, batch: list[str] = batch, record=record):
            started = time.monotonic()
            result = _embed_batch(config, batch)
            record(config, attempt, LLMCall.Status.OK, time.monotonic() - started)
            return result

        def on_error(config: ProviderConfig, attempt: int, exc: Exception, record=record) -> None:
            record(config, attempt, LLMCall.Status.ERROR, error=str(exc))

        vectors.extend(run_with_policy(candidates, attempt_batch, on_error=on_error))
    return vectors
