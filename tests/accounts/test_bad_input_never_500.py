"""Every account and purchase route answers malformed input with a JSON 4xx, never a 500."""

from __future__ import annotations

import pytest

from tests.accounts.test_schema_and_settings import ROUTES

pytestmark = pytest.mark.django_db

BAD_BODIES = [
    [],
    "just a string",
    {"email": ["a"], "password": {"x": 1}, "login_method": 3, "product_pk": "abc", "user_id": None},
    {"datetime": 12, "product_category_pk": -1, "n_days_validity": "ten", "displayed_data": "none"},
    {"session_id": {"a": 1}, "timezone_offset": 10**12, "website_url": 5, "fcm_token": None, "goal": None},
    {
        key: "nul\x00byte"
        for key in (
            "email",
            "name",
            "password",
            "website_url",
            "feedback",
            "goal",
            "error",
            "fcm_token",
            "session_id",
            "initial_spelling",
            "corrected_spelling",
            "label",
            "stripe_session_id",
            "product_stripe_id",
            "user_email",
            "custom_purchase_id",
        )
    },
    {"language_code": "x" * 50, "purchase_pk": 10**15, "role_pk": "1; drop", "task_pk": 1.5, "Authorization": []},
]
BAD_QUERIES = ["?user_vocabulary_pk=abc", "?n_words=-3&offset=x", "?n_purchases=0", "?language_code=" + "x" * 20]


@pytest.mark.parametrize("client_fixture", ["owner_client", "admin_client", "backoffice_client", "anonymous"])
def test_it_never_answers_a_server_error_to_bad_input(request, client_fixture, owner, settings):
    settings.STRIPE_WEBHOOK_SECRET_NEW_PURCHASE = "whsec_a"
    settings.STRIPE_WEBHOOK_SECRET_END_PURCHASE = "whsec_b"
    client = request.getfixturevalue(client_fixture)
    for path, methods in ROUTES.items():
        for method in methods:
            if method in ("get", "delete"):
                for query in BAD_QUERIES:
                    response = getattr(client, method)(path + query)
                    assert response.status_code < 500, (method, path, query, response.content)
                    assert response["Content-Type"].startswith("application/json"), (method, path)
                continue
            for body in BAD_BODIES:
                response = getattr(client, method)(path, body, format="json")
                assert response.status_code < 500, (method, path, body, response.content)
                if response.status_code >= 400:
                    assert "error" in response.json(), (method, path, body)
