"""The OpenAPI schema documents every route of the "instruct tasks end to end" issue."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ROUTES = {
    "/user_task": {"get"},
    "/user_task_execution": {"put", "get", "delete"},
    "/user_task_execution_title": {"post"},
    "/user_task_execution_produced_text": {"get"},
    "/produced_text": {"get", "post", "delete"},
    "/session": {"put", "get", "delete"},
    "/message": {"get"},
    "/voice": {"get"},
    "/image": {"get", "put"},
}


def test_it_documents_the_execution_and_chat_history_routes(anonymous):
    schema = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert {path: set(paths[path]) - {"parameters"} for path in ROUTES} == ROUTES
    execution_get = paths["/user_task_execution"]["get"]
    assert {p["name"] for p in execution_get["parameters"]} >= {
        "user_task_execution_pk",
        "n_user_task_executions",
        "offset",
        "search_filter",
        "user_task_pks",
    }
    assert {"200", "400", "404", "413"} <= set(paths["/image"]["put"]["responses"])
