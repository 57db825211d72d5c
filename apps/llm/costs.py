"""Recording provider calls (``LLMCall``) and exporting them as the original's cost CSV files.

Layout of the export (reference background-and-scheduler §9), one file per kind and month:
``<DATA_DIR>/costs/tokens/<MM_YYYY>.csv`` and ``<DATA_DIR>/costs/whisper/<MM_YYYY>.csv``. Only
successful (``ok``/``stopped``) calls are exported, as the original only logged those; the month is
the call's (UTC), not the process start's.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError

from apps.llm.config import ProviderConfig
from apps.llm.models import LLMCall

logger = logging.getLogger(__name__)

TOKENS_COLUMNS = [
    "datetime",
    "user_id",
    "n_prompts_tokens",
    "n_conversation_tokens",
    "n_response_tokens",
    "engine",
    "name",
    "user_task_execution_pk",
    "task_name_for_system",
]
WHISPER_COLUMNS = ["datetime", "user_id", "n_seconds", "user_task_execution_pk", "task_name_for_system", "mode"]
_MILLION = Decimal(1_000_000)


def token_cost(config: ProviderConfig, tokens_in: int, tokens_out: int) -> Decimal | None:
    """Cost from the section's prices per million tokens; None when the section has no price."""
    if config.input_cost_per_1m is None and config.output_cost_per_1m is None:
        return None
    price_in = config.input_cost_per_1m or Decimal(0)
    price_out = config.output_cost_per_1m or Decimal(0)
    return (price_in * tokens_in + price_out * tokens_out) / _MILLION


def audio_cost(config: ProviderConfig, seconds: float | None) -> Decimal | None:
    if config.cost_per_minute is None or seconds is None:
        return None
    return config.cost_per_minute * Decimal(str(seconds)) / Decimal(60)


@dataclass
class CallRecord:
    """What ``record_call`` stores (one provider attempt)."""

    kind: str
    config: ProviderConfig
    user_id: str | None = None
    user_task_execution_pk: int | None = None
    task_name_for_system: str | None = None
    label: str = ""
    prompt_tokens: int = 0
    conversation_tokens: int = 0
    completion_tokens: int = 0
    audio_seconds: float | None = None
    cost: Decimal | None = None
    duration: float = 0.0
    time_to_first_token: float | None = None
    status: str = LLMCall.Status.OK
    attempt: int = 1
    error: str = ""


def record_call(record: CallRecord) -> LLMCall | None:
    """Store one call; never raises (accounting must not break the feature), returns None then."""
    if not settings.LLM_RECORD_CALLS:
        return None
    try:
        user_id = record.user_id
        if user_id is not None and not get_user_model().objects.filter(pk=user_id).exists():
            user_id = None  # an unknown id must not fail the caller's transaction at commit
        return LLMCall.objects.create(
            kind=record.kind,
            user_id=user_id,
            user_task_execution_pk=record.user_task_execution_pk,
            task_name_for_system=record.task_name_for_system or "",
            label=record.label[:255],
            provider=record.config.provider,
            model=record.config.model,
            section=record.config.section,
            prompt_tokens=record.prompt_tokens,
            conversation_tokens=record.conversation_tokens,
            completion_tokens=record.completion_tokens,
            audio_seconds=record.audio_seconds,
            cost=record.cost,
            duration_ms=round(record.duration * 1000),
            time_to_first_token_ms=(
                round(record.time_to_first_token * 1000) if record.time_to_first_token is not None else None
            ),
            status=record.status,
            attempt=record.attempt,
            error=record.error[:4000],
        )
    except DatabaseError as exc:
        logger.error("could not record the LLM call %s/%s: %s", record.config.section, record.label, exc)
        return None


def _month_key(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%m_%Y")


def _cell(value: object) -> object:
    return "" if value is None else value


def export_costs(
    output_dir: Path | None = None, *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[Path]:
    """Write the cost CSV files (whole files, rewritten) and return their paths, sorted."""
    root = Path(output_dir or Path(settings.DATA_DIR) / "costs")
    calls = LLMCall.objects.filter(status__in=[LLMCall.Status.OK, LLMCall.Status.STOPPED]).order_by("created_at", "id")
    if since is not None:
        calls = calls.filter(created_at__gte=since)
    if until is not None:
        calls = calls.filter(created_at__lt=until)
    rows: dict[tuple[str, str], list[list[object]]] = {}
    for call in calls.iterator(chunk_size=2000):
        when = call.created_at.astimezone(dt.UTC).isoformat()
        if call.kind == LLMCall.Kind.TRANSCRIPTION:
            key = ("whisper", _month_key(call.created_at))
            row = [
                when,
                _cell(call.user_id),
                _cell(call.audio_seconds),
                _cell(call.user_task_execution_pk),
                call.task_name_for_system,
                call.model,
            ]
        else:
            key = ("tokens", _month_key(call.created_at))
            row = [
                when,
                _cell(call.user_id),
                call.prompt_tokens,
                call.conversation_tokens,
                call.completion_tokens,
                call.model,
                call.label,
                _cell(call.user_task_execution_pk),
                call.task_name_for_system,
            ]
        rows.setdefault(key, []).append(row)
    written = []
    for (kind, month), kind_rows in sorted(rows.items()):
        path = root / kind / f"{month}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(WHISPER_COLUMNS if kind == "whisper" else TOKENS_COLUMNS)
            writer.writerows(kind_rows)
        written.append(path)
    return written
