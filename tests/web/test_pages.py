"""The web UI's pages are server-rendered shells: public, no user data, no caching; ``/`` leads there."""

from __future__ import annotations

import pytest
from django.test import Client

PAGES = [
    ("/app/", "New task"),
    ("/app/login/", "Log in"),
    ("/app/signup/", "Create your account"),
    ("/app/onboarding/", "Welcome to Mojodex"),
    ("/app/tasks/", "New task"),
    ("/app/tasks/7/", "All tasks"),
    ("/app/executions/12/", "Chat with your assistant"),
    ("/app/history/", "History"),
    ("/app/todos/", "Todos"),
    ("/app/settings/", "Settings"),
]


@pytest.mark.parametrize(("url", "text"), PAGES)
def test_it_serves_each_page_as_a_shell(url: str, text: str) -> None:
    response = Client().get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert text in body
    assert '<script type="module" src="/static/web/pages/' in body
    assert 'rel="stylesheet" href="/static/web/app.css"' in body


def test_it_redirects_the_root_to_the_app() -> None:
    response = Client().get("/")

    assert (response.status_code, response["Location"]) == (302, "/app/")


def test_it_answers_only_get() -> None:
    response = Client().post("/app/login/", {"email": "demo@example.com", "password": "demo"})

    assert response.status_code == 405


def test_it_hides_the_app_menu_on_public_pages() -> None:
    login = Client().get("/app/login/").content.decode()
    history = Client().get("/app/history/").content.decode()

    assert 'id="app-nav" aria-label="Main" hidden' in login
    assert 'id="app-nav" aria-label="Main" hidden' not in history


def test_it_serves_the_scripts_and_styles() -> None:
    from django.contrib.staticfiles import finders

    for path in ("web/api.js", "web/socket.js", "web/pages/execution.js", "web/app.css"):
        assert finders.find(path) is not None, path
