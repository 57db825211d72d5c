"""The web UI's pages: server-rendered shells; each page's script fetches its data from the REST API.

The pages hold no user data: the access token lives in the browser (``localStorage``) and every
read or write is a call to the same REST routes the mobile app and the API clients use, so the
UI never sees more than the token's user may. A page reached without a token is sent to the login
page by its script (the server cannot know: the token is not a cookie).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


def _page(template: str, page: str, *, public: bool = False, **context: Any):  # type: ignore[no-untyped-def]
    @require_GET
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        values = {"page": page, "public": public, "password_min_length": settings.PASSWORD_MIN_LENGTH}
        response = render(request, f"web/{template}", {**values, **context, **kwargs})
        response["Cache-Control"] = "no-store"
        response["X-Frame-Options"] = "DENY"
        return response

    view.__name__ = f"{page}_page"
    return view


login = _page("login.html", "login", public=True)
signup = _page("signup.html", "signup", public=True)
onboarding = _page("onboarding.html", "onboarding")
tasks = _page("tasks.html", "tasks")
new_task = _page("new_task.html", "new_task")
execution = _page("execution.html", "execution")
history = _page("history.html", "history")
todos = _page("todos.html", "todos")
settings_page = _page("settings.html", "settings")
