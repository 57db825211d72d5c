"""Texts a user sends have documented size limits (docs/limits.md): 5 MB titles, produced texts,
input values and messages are refused with a 400 naming the field, and nothing is stored."""

from __future__ import annotations

import json

import pytest

from apps.chat.models import Generation, Message
from apps.core.api.text import INPUT_VALUE_MAX, MESSAGE_MAX, PRODUCED_TEXT_MAX, PRODUCED_TEXT_TITLE_MAX, TITLE_MAX
from apps.executions.models import ProducedText, UserTaskExecution
from tests.conftest import client_for
from tests.factories import ExecutionFactory, UserFactory

pytestmark = pytest.mark.django_db

FIVE_MB = "x" * (5 * 1024 * 1024)


@pytest.fixture
def member(db):
    return UserFactory(email="writer@example.com")


@pytest.fixture
def execution(member):
    return ExecutionFactory(user_task__user=member)


def test_it_documents_limits_that_fit_the_original_columns():
    assert (TITLE_MAX, PRODUCED_TEXT_TITLE_MAX, PRODUCED_TEXT_MAX) == (255, 1_000, 100_000)
    assert (INPUT_VALUE_MAX, MESSAGE_MAX) == (20_000, 50_000)


@pytest.mark.parametrize("size", [TITLE_MAX + 1, len(FIVE_MB)])
def test_it_refuses_a_long_execution_title(member, execution, size):
    response = client_for(member).post(
        "/user_task_execution_title", {"title": "t" * size, "user_task_execution_pk": execution.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == f"title: Ensure this field has no more than {TITLE_MAX} characters."
    assert UserTaskExecution.objects.get(pk=execution.pk).title is None


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"production": FIVE_MB}, f"production: Ensure this field has no more than {PRODUCED_TEXT_MAX} characters."),
        (
            {"production": "ok", "title": "t" * (PRODUCED_TEXT_TITLE_MAX + 1)},
            f"title: Ensure this field has no more than {PRODUCED_TEXT_TITLE_MAX} characters.",
        ),
    ],
)
def test_it_refuses_a_huge_produced_text(member, execution, fields, error):
    response = client_for(member).post(
        "/produced_text", {**fields, "user_task_execution_pk": execution.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == error
    assert ProducedText.objects.count() == 0


def test_it_accepts_a_produced_text_at_the_limit(member, execution):
    response = client_for(member).post(
        "/produced_text",
        {
            "production": "p" * PRODUCED_TEXT_MAX,
            "title": "t" * PRODUCED_TEXT_TITLE_MAX,
            "user_task_execution_pk": execution.pk,
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert ProducedText.objects.count() == 1


def test_it_refuses_a_5_mb_input_value(member, execution):
    inputs = [{"input_name": "notes", "input_value": FIVE_MB}]

    response = client_for(member).post(
        "/user_task_execution_run",
        {"user_task_execution_pk": execution.pk, "inputs": json.dumps(inputs)},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["error"] == f"inputs: input_value: at most {INPUT_VALUE_MAX} characters"
    assert UserTaskExecution.objects.get(pk=execution.pk).start_date is None
    assert not Generation.objects.exists()


def test_it_refuses_a_5_mb_message(member, execution):
    response = client_for(member).put(
        "/user_message",
        {
            "session_id": execution.session_id,
            "message_id": "client-1",
            "message_date": "2026-11-24T10:15:00+01:00",
            "text": FIVE_MB,
            "user_task_execution_pk": execution.pk,
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["error"] == f"text: Ensure this field has no more than {MESSAGE_MAX} characters."
    assert not Message.objects.exists()
    assert not Generation.objects.exists()
