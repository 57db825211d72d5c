"""Every call is recorded, and the records export as the original's cost CSV files."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.llm import services
from apps.llm.costs import TOKENS_COLUMNS, WHISPER_COLUMNS
from apps.llm.models import LLMCall
from tests.llm.conftest import ScriptedReply

MESSAGES = [{"role": "system", "content": "Hello world"}, {"role": "user", "content": "Hello world"}]


def read_csv(path):
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def test_a_chat_call_is_recorded_with_tokens_cost_and_timing(db, fake_openai, owner):
    fake_openai.configure_models(("openai/gpt-4o", {"input_cost_per_1m": 2.5, "output_cost_per_1m": 10}))
    fake_openai.script(ScriptedReply(text="Hello brave new world"))

    result = services.chat(
        MESSAGES, user_id=owner.pk, task_name="write_email", execution_pk=12, label="task_run", on_token=lambda *_: None
    )

    call = LLMCall.objects.get()
    # o200k: "Hello world" = 2 tokens (+4 per message); +2 reply priming on the conversation side.
    assert (result.prompt_tokens, result.conversation_tokens, result.completion_tokens) == (6, 8, 4)
    assert (result.tokens_in, result.tokens_out) == (14, 4)
    assert result.cost == Decimal("0.000075")
    assert result.call_id == call.pk
    assert (call.kind, call.user_id, call.user_task_execution_pk, call.task_name_for_system, call.label) == (
        "chat",
        owner.pk,
        12,
        "write_email",
        "task_run",
    )
    assert (call.provider, call.model, call.section, call.status, call.attempt) == (
        "openai",
        "gpt-4o",
        "openai/gpt-4o",
        "ok",
        1,
    )
    assert (call.prompt_tokens, call.conversation_tokens, call.completion_tokens) == (6, 8, 4)
    assert call.cost == Decimal("0.000075")
    assert call.duration_ms == round(result.duration * 1000)
    assert call.time_to_first_token_ms is not None


def test_a_section_without_prices_records_no_cost(db, fake_openai):
    services.chat("Hi")

    assert LLMCall.objects.get().cost is None


def test_an_unknown_user_id_is_recorded_without_user(db, fake_openai):
    services.chat("Hi", user_id="no-such-user")

    assert LLMCall.objects.get().user_id is None


def test_recording_can_be_switched_off(db, fake_openai, settings):
    settings.LLM_RECORD_CALLS = False

    result = services.chat("Hi")

    assert result.call_id is None
    assert LLMCall.objects.count() == 0


def make_call(user, when, **fields):
    values = {
        "kind": "chat",
        "provider": "openai",
        "model": "gpt-4o",
        "label": "task_run",
        "prompt_tokens": 10,
        "conversation_tokens": 5,
        "completion_tokens": 7,
    } | fields
    return LLMCall.objects.create(user=user, created_at=when, **values)


def test_export_costs_writes_one_file_per_kind_and_month(db, owner, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    nov = dt.datetime(2026, 11, 3, 8, 30, tzinfo=dt.UTC)
    dec = dt.datetime(2026, 12, 1, 0, 0, 1, tzinfo=dt.UTC)
    make_call(owner, nov, user_task_execution_pk=5, task_name_for_system="write_email")
    make_call(
        None,
        nov + dt.timedelta(minutes=1),
        kind="embedding",
        model="text-embedding-3-small",
        label="document_chunk",
        conversation_tokens=0,
        completion_tokens=0,
    )
    make_call(owner, nov + dt.timedelta(minutes=2), status="error")
    make_call(
        owner,
        nov + dt.timedelta(minutes=3),
        kind="transcription",
        model="whisper-1",
        label="transcription",
        audio_seconds=12.5,
        prompt_tokens=0,
        conversation_tokens=0,
        completion_tokens=0,
    )
    make_call(owner, dec, status="stopped", label="home_chat_run")
    out = StringIO()

    call_command("export_costs", stdout=out)

    root = tmp_path / "costs"
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*.csv")) == [
        "tokens/11_2026.csv",
        "tokens/12_2026.csv",
        "whisper/11_2026.csv",
    ]
    assert read_csv(root / "tokens/11_2026.csv") == [
        TOKENS_COLUMNS,
        ["2026-11-03T08:30:00+00:00", owner.pk, "10", "5", "7", "gpt-4o", "task_run", "5", "write_email"],
        ["2026-11-03T08:31:00+00:00", "", "10", "0", "0", "text-embedding-3-small", "document_chunk", "", ""],
    ]
    assert read_csv(root / "tokens/12_2026.csv") == [
        TOKENS_COLUMNS,
        ["2026-12-01T00:00:01+00:00", owner.pk, "10", "5", "7", "gpt-4o", "home_chat_run", "", ""],
    ]
    assert read_csv(root / "whisper/11_2026.csv") == [
        WHISPER_COLUMNS,
        ["2026-11-03T08:33:00+00:00", owner.pk, "12.5", "", "", "whisper-1"],
    ]
    assert out.getvalue().strip().endswith("3 file(s) written")


def test_export_costs_for_one_month_into_a_chosen_dir(db, owner, tmp_path):
    make_call(owner, dt.datetime(2026, 10, 31, 23, 59, tzinfo=dt.UTC))
    make_call(owner, dt.datetime(2026, 11, 15, tzinfo=dt.UTC))

    call_command("export_costs", "--month", "11_2026", "--output-dir", str(tmp_path), stdout=StringIO())

    assert [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.csv")] == ["tokens/11_2026.csv"]
    assert len(read_csv(tmp_path / "tokens/11_2026.csv")) == 2


def test_export_costs_refuses_a_bad_month(db):
    with pytest.raises(CommandError, match="MM_YYYY"):
        call_command("export_costs", "--month", "2026-11")
