"""Chat completions: model selection, streaming, token counting, recording (used by ``services``)."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from apps.llm import config as provider_config
from apps.llm import costs, dataset, fake, providers, tokens
from apps.llm.config import ProviderConfig
from apps.llm.errors import LLMConfigurationError, LLMError, LLMTerminalError
from apps.llm.models import LLMCall
from apps.llm.mpt import MPT
from apps.llm.retry import run_with_policy

logger = logging.getLogger(__name__)

OnToken = Callable[[str, str], object]
"""``on_token(token, text_so_far)``; a truthy return stops the generation."""

Message = dict[str, Any]


@dataclass
class LLMResult:
    """The outcome of one ``chat`` call."""

    text: str
    model: str
    provider: str
    section: str
    label: str
    prompt_tokens: int
    conversation_tokens: int
    completion_tokens: int
    cost: Decimal | None
    duration: float
    time_to_first_token: float | None
    stopped: bool
    finish_reason: str | None
    attempts: int
    call_id: int | None

    @property
    def tokens_in(self) -> int:
        return self.prompt_tokens + self.conversation_tokens

    @property
    def tokens_out(self) -> int:
        return self.completion_tokens


@dataclass(frozen=True)
class Candidate:
    config: ProviderConfig
    template_model: str  # the ``model`` value the prompt is rendered with


def select_candidates(
    configured: Sequence[ProviderConfig], wanted: Sequence[str], forced: str | None = None
) -> list[Candidate]:
    """Sections to try, in order: those serving the wanted models, each followed by its fallbacks."""
    models = [forced] if forced else list(wanted)
    primary: list[Candidate] = []
    if not models:
        primary = [Candidate(c, c.model) for c in configured]
    else:
        for model in models:
            for entry in configured:
                if entry.serves(model) and all(c.config != entry for c in primary):
                    primary.append(Candidate(entry, model if entry.is_fake else entry.model))
    if not primary:
        names = ", ".join(models)
        raise LLMConfigurationError(f"no configured provider serves any of the models: {names}")
    by_section = {entry.section: entry for entry in configured}
    ordered: list[Candidate] = []
    for candidate in primary:
        for entry in (candidate.config, *(by_section[name] for name in candidate.config.fallback)):
            if all(c.config != entry for c in ordered):
                model = candidate.template_model if entry.is_fake else entry.model
                ordered.append(Candidate(entry, model))
    return ordered


def _messages_for(source: MPT | Sequence[Message] | str, conversation: Sequence[Message] | None, model: str):
    if isinstance(source, MPT):
        text = source.render(model)
        if conversation is None:
            return [{"role": "user", "content": text}]
        return [{"role": "system", "content": text}, *conversation]
    if isinstance(source, str):
        return [{"role": "user", "content": source}, *(conversation or [])]
    return [*source, *(conversation or [])]


def _split_counts(messages: list[Message], model: str) -> tuple[int, int]:
    """(first message, the others + reply priming): the CSV's prompt / conversation tokens."""
    if not messages:
        return 0, tokens.TOKENS_PER_REPLY
    first = tokens.count_messages(messages[:1], model) - tokens.TOKENS_PER_REPLY
    total = tokens.count_messages(messages, model)
    return first, total - first


def chat(
    source: MPT | Sequence[Message] | str,
    *,
    conversation: Sequence[Message] | None = None,
    user_id: str | None = None,
    task_name: str | None = None,
    execution_pk: int | None = None,
    on_token: OnToken | None = None,
    temperature: float = 0.0,
    max_tokens: int = 4000,
    model: str | None = None,
    json_format: bool = False,
    label: str | None = None,
) -> LLMResult:
    """Run a chat completion under the retry/fallback policy; see ``apps.llm.services.chat``."""
    mpt = source if isinstance(source, MPT) else None
    wanted = mpt.models if mpt is not None else []
    forced = model or (mpt.forced_model if mpt is not None else None)
    candidates = select_candidates(provider_config.chat_providers(), wanted, forced)
    by_config = {c.config: c for c in candidates}
    call_label = label or (mpt.label if mpt is not None else "chat")
    emitted = False

    def record_error(config: ProviderConfig, attempt: int, exc: LLMError) -> None:
        costs.record_call(
            costs.CallRecord(
                kind=LLMCall.Kind.CHAT,
                config=config,
                user_id=user_id,
                user_task_execution_pk=execution_pk,
                task_name_for_system=task_name,
                label=call_label,
                status=LLMCall.Status.ERROR,
                attempt=attempt,
                error=str(exc),
            )
        )

    def attempt_call(config: ProviderConfig, attempt: int) -> LLMResult:
        nonlocal emitted
        candidate = by_config[config]
        messages = _messages_for(source, conversation, candidate.template_model)
        request = providers.ChatRequest(
            messages=messages,
            temperature=temperature,
            max_tokens=max_tokens,
            user_id=user_id,
            json_format=json_format,
            label=call_label,
            values=mpt.values if mpt is not None else None,
            timeout=float(config.timeout or settings.LLM_TIMEOUT),
            connect_timeout=float(config.connect_timeout or settings.LLM_CONNECT_TIMEOUT),
        )
        text_so_far = ""

        def on_delta(delta: str) -> bool:
            nonlocal text_so_far, emitted
            emitted = True
            text_so_far += delta
            return bool(on_token(delta, text_so_far)) if on_token is not None else False

        started = time.monotonic()
        complete = fake.complete_chat if config.is_fake else providers.complete_chat
        reply = complete(config, request, on_delta if on_token is not None else None)
        duration = time.monotonic() - started
        prompt_tokens, conversation_tokens = _split_counts(messages, config.model)
        completion_tokens = tokens.count_text(reply.text, config.model)
        cost = costs.token_cost(config, prompt_tokens + conversation_tokens, completion_tokens)
        call = costs.record_call(
            costs.CallRecord(
                kind=LLMCall.Kind.CHAT,
                config=config,
                user_id=user_id,
                user_task_execution_pk=execution_pk,
                task_name_for_system=task_name,
                label=call_label,
                prompt_tokens=prompt_tokens,
                conversation_tokens=conversation_tokens,
                completion_tokens=completion_tokens,
                cost=cost,
                duration=duration,
                time_to_first_token=reply.time_to_first_token,
                status=LLMCall.Status.STOPPED if reply.stopped else LLMCall.Status.OK,
                attempt=attempt,
            )
        )
        dataset.write_chat_sample(
            label=call_label,
            task_name_for_system=task_name,
            messages=messages,
            response=reply.text,
            temperature=temperature,
            max_tokens=max_tokens,
            model_config={"provider": config.provider, "model": config.model},
        )
        return LLMResult(
            text=reply.text,
            model=config.model,
            provider=config.provider,
            section=config.section,
            label=call_label,
            prompt_tokens=prompt_tokens,
            conversation_tokens=conversation_tokens,
            completion_tokens=completion_tokens,
            cost=cost,
            duration=duration,
            time_to_first_token=reply.time_to_first_token,
            stopped=reply.stopped,
            finish_reason=reply.finish_reason,
            attempts=attempt,
            call_id=call.pk if call is not None else None,
        )

    # Once tokens reached the caller a retry would replay them: the error goes up instead.
    return run_with_policy(
        [c.config for c in candidates], attempt_call, on_error=record_error, may_retry=lambda: not emitted
    )


class LLMJSONError(LLMTerminalError):
    """The model did not answer with the expected JSON after the allowed attempts."""


_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.IGNORECASE)


def parse_json_answer(text: str, required_keys: Sequence[str] = ()) -> Any:
    """The JSON in a model's answer (``` fences stripped); ValueError when absent or incomplete."""
    data = json.loads(_FENCE.sub("", text.strip()))
    missing = [key for key in required_keys if not isinstance(data, dict) or key not in data]
    if missing:
        raise ValueError(f"missing keys {missing}")
    return data


def chat_json(
    source: MPT | Sequence[Message] | str,
    *,
    required_keys: Sequence[str] = (),
    retries: int = 3,
    **kwargs: Any,
) -> Any:
    """``chat`` in JSON mode, parsed; re-asks up to ``retries`` times on an invalid answer.

    After the last failure the raw answer is written to ``<DATA_DIR>/<label>_<iso date>.txt`` (as
    the original did) and ``LLMJSONError`` is raised.
    """
    kwargs.setdefault("json_format", True)
    text = ""
    for _ in range(max(1, retries)):
        result = chat(source, **kwargs)
        text = result.text
        try:
            return parse_json_answer(text, required_keys)
        except ValueError as exc:
            logger.warning("%s: invalid JSON answer (%s)", result.label, exc)
    label = kwargs.get("label") or (source.label if isinstance(source, MPT) else "chat")
    dump = Path(settings.DATA_DIR) / f"{label}_{timezone.now().strftime('%Y%m%dT%H%M%S%f')}.txt"
    try:
        dump.parent.mkdir(parents=True, exist_ok=True)
        dump.write_text(text, encoding="utf-8")
    except OSError as exc:
        logger.error("could not dump the invalid JSON answer to %s: %s", dump, exc)
    raise LLMJSONError(f"{label}: no valid JSON answer after {retries} attempts (raw answer in {dump})")
