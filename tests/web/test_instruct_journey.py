"""An instruct task from the browser: log in, pick the task, fill its form, watch the result stream
in, chat a correction, apply a text-edit action, browse versions, copy, edit by hand, reload in the
middle of a stream, lose the connection and get what was missed, then find it in the history."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import expect

from tests.factories import offer_on
from tests.processes import wait_for
from tests.web.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.integration]

MEETING = (
    "Met Dana and Omar from Acme on Tuesday. We agreed on the pilot scope, the budget of forty thousand "
    "euros and a kickoff in two weeks. Omar sends the contract draft by Friday; we review the security "
    "questionnaire next Monday and share the onboarding plan with their team before the kickoff call."
)
LONG_CORRECTION = (
    " ".join(["Please rewrite it so that it also thanks them for their time and lists every agreed step clearly"] * 4)
    + " ending with the words FINAL WORD"
)


class SocketGate:
    """Routes the page's session WebSockets through Playwright so a test can cut the network:
    ``drop()`` closes the live connections and refuses new ones until ``restore()``."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.blocked = threading.Event()
        self.routes: list = []
        self.attempts = 0
        page.route_web_socket(re.compile(r".*/ws/session/.*"), self._handle)

    def _handle(self, route) -> None:  # type: ignore[no-untyped-def]
        self.attempts += 1
        if self.blocked.is_set():
            route.close(code=1011, reason="network down")
            return
        self.routes.append(route)
        route.connect_to_server()

    def drop(self) -> None:
        self.blocked.set()
        for route in self.routes:
            route.close(code=1011, reason="network down")
        self.routes.clear()

    def restore(self) -> None:
        self.blocked.clear()


def _chat(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def test_it_runs_an_instruct_task_with_live_result_chat_versions_and_history(
    page, demo, daphne_server, celery_worker_process
):
    from apps.catalog.models import Task
    from apps.chat.models import Generation, Message
    from apps.executions.models import ProducedTextVersion, UserTaskExecution

    # Meeting Recap (mobile only in the demo) is offered on the web too, for its predefined action
    offer_on(Task.objects.get(name_for_system="prepare_meeting_minutes"))
    gate = SocketGate(page)
    log_in(page)

    # the task's form; an empty form is refused with a readable message
    page.get_by_role("link", name="Meeting Recap").click()
    page.get_by_role("heading", name="Meeting Recap").wait_for()
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("alert").first).to_contain_text("Fill in “What happened in your meeting?”")
    page.get_by_label("What happened in your meeting?").fill(MEETING)
    screenshot(page, "task-form")
    screenshot(page, "task-form-phone", phone=True)
    page.get_by_role("button", name="Go").click()

    # the result streams in token by token, then becomes an editable text
    page.wait_for_url(re.compile(r".*/app/executions/\d+/$"))
    execution = UserTaskExecution.objects.get()
    stream = page.locator("#stream")
    expect(stream).to_contain_text("Here is a first version")
    partial = stream.inner_text()
    screenshot(page, "execution-streaming")
    result = page.get_by_label("Text (you can edit it)")
    first = re.compile(r"^Here is a first version for prepare meeting minutes.*Tell me what to change\.$", re.S)
    expect(result).to_have_value(first)
    assert MEETING not in partial  # seen before the end
    expect(stream).to_be_hidden()
    expect(page.locator("#version-label")).to_have_text("Version 1 of 1")
    expect(page.get_by_label("Title")).to_have_value(re.compile(r"^Prepare meeting minutes: Met Dana and Omar"))
    expect(page.locator("#execution-summary")).to_have_text("You worked on prepare meeting minutes with Mojodex.")
    expect(page.locator("#connection")).to_have_text("Live")

    # chat a correction: the reply streams as a new version
    _chat(page, "Please say that the budget was approved unanimously.")
    expect(page.locator("#chat-log .bubble.user")).to_have_text(
        ["Please say that the budget was approved unanimously. (You)"]
    )
    expect(page.locator("#version-label")).to_have_text("Version 2 of 2", timeout=30_000)
    expect(result).to_have_value(re.compile(r"^Here is the updated text.*approved unanimously\.", re.S))
    expect(page.locator("#chat-log .bubble.mojo").last).to_contain_text("📄 Prepare meeting minutes")

    # a text-edit action as a button: a third version
    page.get_by_role("button", name="Shorter").click()
    expect(page.locator("#version-label")).to_have_text("Version 3 of 3", timeout=30_000)
    third = result.input_value()
    assert third and "Tell me what to change" not in third

    # versions: back to the second
    page.get_by_role("button", name="Previous version").click()
    expect(page.locator("#version-label")).to_have_text("Version 2 of 3")
    expect(result).to_have_value(re.compile(r"^Here is the updated text"))
    page.get_by_role("button", name="Next version").click()
    expect(result).to_have_value(third)

    # copy the result
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("Copied to the clipboard.")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{page.get_by_label('Title').input_value()}\n\n{third}"

    # edit by hand: saved as a new version
    result.fill("Dear Dana and Omar, thank you for Tuesday. Contract by Friday, kickoff in two weeks.")
    page.get_by_role("button", name="Save my changes").click()
    expect(page.locator("#version-label")).to_have_text("Version 4 of 4")
    screenshot(page, "execution")
    screenshot(page, "execution-phone", phone=True)

    # reload in the middle of a stream: the text so far, then the final text
    _chat(page, LONG_CORRECTION)
    expect(stream).to_be_visible(timeout=30_000)
    page.reload()
    expect(result).to_have_value(re.compile(r"FINAL WORD"), timeout=30_000)
    expect(page.locator("#version-label")).to_have_text("Version 5 of 5")
    expect(page.locator("#chat-log .bubble.user")).to_have_count(3)  # two corrections + the action

    # the network drops; a message is answered meanwhile; the page reconnects and shows it
    gate.drop()
    expect(page.locator("#connection")).to_have_text("Reconnecting…")
    token = page.evaluate("localStorage.getItem('mojodex.token')")
    sent = httpx.put(
        f"{daphne_server}/user_message",
        headers={"Authorization": token},
        data={
            "session_id": execution.session_id,
            "message_id": "from-another-device",
            "message_date": datetime.now(UTC).isoformat(),
            "text": "Sent from my phone while the laptop was offline",
            "user_task_execution_pk": execution.pk,
        },
        timeout=10,
    )
    assert sent.status_code == 200, sent.text
    wait_for(
        lambda: Generation.objects.get(user_message_id=sent.json()["message_pk"]).status == "done",
        timeout=30,
        message="the reply generated while offline",
    )
    attempts = gate.attempts
    gate.restore()
    expect(page.locator("#connection")).to_have_text("Live", timeout=20_000)
    assert gate.attempts > attempts  # it reconnected by itself
    expect(result).to_have_value(re.compile(r"Sent from my phone while the laptop was offline"))
    expect(page.locator("#version-label")).to_have_text("Version 6 of 6")
    unread = Message.objects.filter(session_id=execution.session_id, sender="mojo", read_by_user__isnull=True)
    wait_for(
        lambda: not unread.exists(),
        timeout=10,
        message="every assistant message acknowledged",
    )
    assert ProducedTextVersion.objects.filter(produced_text__user_task_execution=execution).count() == 6

    # a new version while the user is changing the text: the user's text stays until asked
    result.fill("My unsaved draft")
    _chat(page, "Add a PS about the parking")
    expect(page.get_by_text("Version 7 is ready; your unsaved changes are still shown.")).to_be_visible()
    expect(result).to_have_value("My unsaved draft")
    page.get_by_role("button", name="Show the new version").click()
    expect(result).to_have_value(re.compile(r"Add a PS about the parking"))
    expect(page.locator("#version-label")).to_have_text("Version 7 of 7")

    # a predefined action chains the next task from this result
    page.get_by_role("button", name="Write the follow-up email").click()
    page.wait_for_url(re.compile(rf".*/app/executions/(?!{execution.pk}/)\d+/$"))
    follow_up = UserTaskExecution.objects.exclude(pk=execution.pk).get()
    assert follow_up.predefined_action_from_user_task_execution_id == execution.pk
    expect(page.locator("#chat-log .bubble.user").first).to_contain_text("Write the follow-up email of this meeting: ")
    expect(result).to_have_value(
        re.compile(r"^Here is a first version for follow-up email.*Add a PS about the parking", re.S), timeout=30_000
    )

    # history: titles and summaries, search, delete
    page.get_by_role("link", name="History").click()
    items = page.locator("#executions li")
    expect(items.get_by_role("heading")).to_have_text(["Follow-up email", "Prepare meeting minutes"])
    expect(items.last).to_contain_text("You worked on prepare meeting minutes with Mojodex.")
    screenshot(page, "history")
    screenshot(page, "history-phone", phone=True)
    page.get_by_label("Search your tasks by title").fill("nothing like this")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No task matches “nothing like this”.")).to_be_visible()
    page.get_by_label("Search your tasks by title").fill("meeting")
    page.get_by_role("button", name="Search").click()
    expect(items.get_by_role("heading")).to_have_text(["Prepare meeting minutes"])
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete “Prepare meeting minutes”").click()
    expect(page.get_by_text("“Prepare meeting minutes” was deleted.")).to_be_visible()
    expect(items).to_have_count(0)
    execution.refresh_from_db()
    assert execution.deleted_by_user is not None
