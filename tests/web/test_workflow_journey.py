"""The poem workflow from the browser: its form (topic, drop-down), the process tab with each
step's state and result, restart, review through the chat, edit a stanza, validate every step,
then the poem as the result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _step(page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("#steps > li", has=page.get_by_role("heading", name=name, exact=True))


def test_it_runs_the_poem_workflow_step_by_step(page, demo, celery_worker_process):
    from apps.executions.models import ProducedTextVersion, UserTaskExecution

    log_in(page)
    page.get_by_role("link", name="Write a poem").click()
    expect(page.get_by_role("list", name="Steps of this workflow")).to_contain_text("Plan the stanzas")
    page.get_by_label("What should the poem be about?").fill("The sea at dawn")
    page.get_by_label("How many stanzas?").select_option("2")
    page.get_by_role("button", name="Go").click()
    page.wait_for_url(re.compile(r".*/app/executions/\d+/$"))
    execution = UserTaskExecution.objects.get()

    # the process tab: the plan waits for validation, the stanzas are to come
    expect(page.get_by_role("tab", name="Process")).to_have_attribute("aria-selected", "true")
    plan = _step(page, "Plan the stanzas")
    expect(plan).to_have_attribute("data-state", "waiting", timeout=30_000)
    expect(plan).to_contain_text("Stanza topic: The sea at dawn, part 1")
    expect(plan).to_contain_text("Stanza topic: The sea at dawn, part 2")
    expect(_step(page, "Write a stanza")).to_contain_text("To come")
    screenshot(page, "workflow-process")
    first_plan = plan.get_attribute("data-step-execution-pk")

    # restart from the first step: a new plan
    page.get_by_role("button", name="Restart from the first step").click()
    expect(plan).not_to_have_attribute("data-step-execution-pk", first_plan, timeout=30_000)
    expect(plan).to_have_attribute("data-state", "waiting", timeout=30_000)
    restarted_plan = plan.get_attribute("data-step-execution-pk")

    # review: ask for a change in the chat; the step is done again
    plan.get_by_role("button", name="Ask for changes").click()
    expect(page.get_by_text("Tell the assistant in the chat what to change")).to_be_visible()
    expect(page.get_by_label("Your message")).to_be_focused()
    page.get_by_label("Your message").fill("Make the second part about the harbour")
    page.get_by_role("button", name="Send").click()
    expect(plan).not_to_have_attribute("data-step-execution-pk", restarted_plan, timeout=30_000)
    expect(plan).to_have_attribute("data-state", "waiting", timeout=30_000)
    expect(page.locator("#chat-log .streaming-bubble")).to_have_count(0)

    # validate the plan: the first stanza is written and waits
    plan.get_by_role("button", name="Validate").click()
    expect(plan).to_have_attribute("data-state", "done")
    first = _step(page, "Write a stanza (1)")
    expect(first).to_have_attribute("data-state", "waiting", timeout=30_000)
    expect(first).to_contain_text("Of The sea at dawn, part 1 I sing")

    # edit the stanza before validating it
    first = page.locator(f'#steps > li[data-step-execution-pk="{first.get_attribute("data-step-execution-pk")}"]')
    first.get_by_role("button", name="Edit").click()
    first.get_by_label("Stanza", exact=True).fill("Grey light on the water,\nthe gulls wake the quay.")
    first.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    expect(first).to_contain_text("Grey light on the water")
    first.get_by_role("button", name="Validate").click()

    second = _step(page, "Write a stanza (2)")
    expect(second).to_have_attribute("data-state", "waiting", timeout=30_000)
    screenshot(page, "workflow-process-phone", phone=True)
    second.get_by_role("button", name="Validate").click()

    # the end: the poem is the result, shown in the result tab
    expect(page.get_by_role("tab", name="Result")).to_have_attribute("aria-selected", "true", timeout=30_000)
    result = page.get_by_label("Text (you can edit it)")
    expect(result).to_have_value(
        re.compile(r"Grey light on the water,\nthe gulls wake the quay\..*Of The sea at dawn, part 2 I sing", re.S)
    )
    expect(page.locator("#version-label")).to_have_text("Version 1 of 1")
    screenshot(page, "workflow-result")
    page.get_by_role("tab", name="Process").click()
    expect(page.locator("#steps > li[data-state=done]")).to_have_count(3)
    assert ProducedTextVersion.objects.filter(produced_text__user_task_execution=execution).count() == 1

    # a task whose form asks for a file: a labelled file input, uploaded with the run
    page.get_by_role("link", name="New task").click()
    page.get_by_role("link", name="Documentation from a video").click()
    video = page.get_by_label("Your video recording")
    expect(video).to_have_attribute("accept", "video/*")
    video.set_input_files(
        files=[{"name": "tour.mp4", "mimeType": "video/mp4", "buffer": b"\x00\x00\x00\x18ftypmp42" * 10}]
    )
    page.get_by_role("button", name="Go").click()
    page.wait_for_url(re.compile(rf".*/app/executions/(?!{execution.pk}/)\d+/$"))
    video_run = UserTaskExecution.objects.exclude(pk=execution.pk).get()
    assert video_run.json_input_values[0]["value"] == "tour.mp4"
    expect(page.locator("#steps > li").first).not_to_have_attribute("data-state", "running", timeout=30_000)
    screenshot(page, "workflow-video")
