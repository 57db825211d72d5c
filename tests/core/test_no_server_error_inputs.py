"""Inputs that gave a 500 (issue 13) answer a JSON 4xx in the original's error shape and store nothing."""

from __future__ import annotations

import json

import pytest

from apps.accounts.models import Company, User
from apps.chat.models import Generation
from apps.core.api.pagination import MAX_OFFSET
from apps.core.api.text import INPUT_VALUE_MAX
from tests.conftest import client_for
from tests.factories import ExecutionFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE = "9223372036854775808"
PAGED = {  # the 8 paginated lists: route → (page-size parameter, other required query parameters)
    "/vocabulary": ("n_words", ""),
    "/todos": ("n_todos", ""),
    "/session": ("n_sessions", ""),
    "/message": ("n_messages", "&session_id={session_id}"),
    "/user_task_execution": ("n_user_task_executions", ""),
    "/user_task": ("n_user_tasks", "&platform=webapp"),
    "/produced_text": ("n_produced_texts", ""),
    "/text_type": ("n_text_types", ""),  # admin
}


@pytest.fixture
def lister(owner, admin):
    """GET a paginated list as its owner (the admin for the admin-only list)."""
    session = SessionFactory(user=owner)

    def get(route: str, query: str):
        count_name, extra = PAGED[route]
        client = client_for(admin if route == "/text_type" else owner)
        return client.get(f"{route}?{query.format(n=count_name)}{extra.format(session_id=session.pk)}")

    return get


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_it_refuses_an_unparsable_website_url(owner_client, owner):
    response = owner_client.put("/company", {"website_url": "http://[", "datetime": "x"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"error": "website_url: invalid url"}
    assert Company.objects.count() == 0
    assert User.objects.get(pk=owner.pk).company_id is None


@pytest.mark.parametrize("route", sorted(PAGED))
@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"offset={HUGE}", "offset"),
        (f"offset={MAX_OFFSET + 1}", "offset"),
        ("offset=-1", "offset"),
        ("{n}=-5", "{n}"),
        ("{n}=" + "9" * 5000, "{n}"),
    ],
)
def test_it_refuses_out_of_range_paging(lister, route, query, field):
    response = lister(route, query)

    assert response.status_code == 400, response.content
    assert response.json()["error"].startswith(field.format(n=PAGED[route][0]) + ": ")


@pytest.mark.parametrize("route", sorted(PAGED))
def test_it_caps_a_huge_page_size(lister, route):
    response = lister(route, "{n}=" + HUGE + f"&offset={MAX_OFFSET}")

    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("client_fixture", "method", "route"),
    [
        ("anonymous", "put", "/user"),
        ("anonymous", "post", "/user"),
        ("owner_client", "put", "/goal"),
        ("owner_client", "post", "/user_task_execution_run"),
    ],
)
def test_it_refuses_json_nested_1000_deep(request, client_fixture, method, route, owner):
    client = request.getfixturevalue(client_fixture)
    body = '{"email": "deep@example.com", "name": "D", "password": "deep-password-1", "goal": ' + _deep(1000) + "}"

    response = getattr(client, method)(route, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": "JSON nested deeper than 32 levels"}
    assert not User.objects.filter(email="deep@example.com").exists()
    assert User.objects.get(pk=owner.pk).goal is None


def test_it_refuses_a_microsoft_token_that_cannot_be_sent(anonymous):
    body = {"login_method": "microsoft", "microsoft_token": "保", "email": "x@y.z"}

    response = anonymous.post("/user", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"error": "microsoft_token: malformed token"}
    assert not User.objects.filter(email="x@y.z").exists()


@pytest.mark.parametrize("text", ["nul\x00byte", "lone \ud800 surrogate"])
def test_it_refuses_nul_bytes_and_invalid_unicode_in_json(owner_client, owner, text):
    body = json.dumps({"goal": text, "datetime": "x"})

    response = owner_client.put("/goal", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] in ("text contains a NUL byte", "text is not valid UTF-8")
    assert User.objects.get(pk=owner.pk).goal is None


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("goal=caf%C3%A9+ok&datetime=x", "application/x-www-form-urlencoded"),
        (
            '--b\r\nContent-Disposition: form-data; name="goal"\r\n\r\ncafé ok\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
        ),
        ('{"goal": "café ok"}', "application/json"),
    ],
)
def test_it_still_accepts_valid_text_in_every_encoding(owner_client, owner, body, content_type):
    response = owner_client.put("/goal", body.encode(), content_type=content_type)

    assert response.status_code == 200, response.content
    assert User.objects.get(pk=owner.pk).goal == "café ok"


def test_it_refuses_invalid_utf8_in_json(owner_client, owner):
    response = owner_client.put("/goal", b'{"goal": "caf\xe9"}', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"].startswith("JSON parse error - 'utf-8' codec can't decode byte 0xe9")
    assert User.objects.get(pk=owner.pk).goal is None


def test_it_keeps_a_replacement_character_a_json_client_really_sent(owner_client, owner):
    response = owner_client.put("/goal", {"goal": "garbled \ufffd text"}, format="json")

    assert response.status_code == 200
    assert User.objects.get(pk=owner.pk).goal == "garbled \ufffd text"


def test_it_refuses_invalid_utf8_in_a_form(owner_client, owner):
    response = owner_client.put("/goal", b"goal=caf%E9&datetime=x", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert response.json() == {"error": "text is not valid UTF-8"}
    assert User.objects.get(pk=owner.pk).goal is None


def test_it_refuses_invalid_utf8_in_multipart(owner_client, owner):
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="goal"\r\n\r\n'.encode()
        + b"caf\xe9\r\n"
        + f"--{boundary}--\r\n".encode()
    )

    response = owner_client.put("/goal", body, content_type=f"multipart/form-data; boundary={boundary}")

    assert response.status_code == 400
    assert response.json() == {"error": "text is not valid UTF-8"}
    assert User.objects.get(pk=owner.pk).goal is None


def test_it_refuses_a_body_over_the_limit_as_json_413(owner_client, owner, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({"goal": "x" * (2 * 1024 * 1024), "datetime": "x"})

    response = owner_client.put("/goal", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"error": "request body too large (max 1048576 bytes)"}
    assert User.objects.get(pk=owner.pk).goal is None
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_it_refuses_a_50_mb_body_as_json_413(anonymous, caplog):
    response = anonymous.put("/user", b"{" + b" " * (50 * 1024 * 1024) + b"}", content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"].startswith("request body too large")
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def _multipart(fields: int, files: int) -> tuple[bytes, str]:
    boundary = "b0undary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nv\r\n' for i in range(fields)]
    parts += [
        f'--{boundary}\r\nContent-Disposition: form-data; name="file{i}"; filename="a{i}.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nx\r\n"
        for i in range(files)
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    ("fields", "files", "message"),
    [(5000, 0, "too many fields in the request"), (0, 500, "too many files in the request")],
)
def test_it_refuses_too_many_multipart_parts_as_json_400(owner_client, owner, caplog, fields, files, message):
    body, content_type = _multipart(fields, files)

    response = owner_client.put("/goal", body, content_type=content_type)

    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert User.objects.get(pk=owner.pk).goal is None
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


@pytest.mark.parametrize("encoding", ["multipart", "json"])
@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("Budget\x00approved", "text contains a NUL byte"),
        ("x" * (INPUT_VALUE_MAX + 1), f"input_value: at most {INPUT_VALUE_MAX} characters"),
    ],
)
def test_it_refuses_a_bad_input_value_and_starts_nothing(encoding, value, error):
    member = UserFactory(email="runner@example.com")
    execution = ExecutionFactory(user_task__user=member)
    inputs = [{"input_name": "notes", "input_value": value}]
    body = {"user_task_execution_pk": execution.pk, "datetime": "2026-11-24T10:00:00"}
    body["inputs"] = json.dumps(inputs) if encoding == "multipart" else inputs

    response = client_for(member).post("/user_task_execution_run", body, format=encoding)

    assert response.status_code == 400
    assert response.json()["error"].endswith(error)
    execution.refresh_from_db()
    assert execution.start_date is None
    assert not Generation.objects.exists()
