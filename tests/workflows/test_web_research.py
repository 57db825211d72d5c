"""web_research_synthesis against a local search endpoint and local pages (127.0.0.1)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from apps.executions.models import ProducedTextVersion
from apps.llm import services as llm_services
from apps.workflows import services
from apps.workflows.models import UserWorkflowStepExecution
from tests.workflows.conftest import events, make_workflow, new_execution, run_pending, start
from workflow_steps.web_research_synthesis.web import NOT_CONFIGURED

pytestmark = pytest.mark.django_db

INPUTS = [
    {
        "input_name": "research_subject",
        "description_for_user": "Subject",
        "description_for_system": "What to research",
        "type": "text_area",
    }
]
PARAGRAPH = (
    "Heat pumps move heat from the outside air into a building instead of burning fuel. On small farms they heat "
    "barns, milking parlours and water for cleaning, and their running costs depend mostly on the price of power. "
)
PAGE = (
    "<html><head><title>{title}</title><script>var tracking = 1;</script></head><body><nav>Home | About</nav>"
    "<article><h1>{title}</h1><p>{body}</p><p>{body}</p><p>{body}</p></article></body></html>"
)


class FakeWeb:
    """``/search?q=…`` answers SearxNG-shaped JSON; ``/page/<name>`` serves the pages below."""

    def __init__(self) -> None:
        self.searches: list[dict[str, list[str]]] = []
        self.paths: list[str] = []
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                url = urlsplit(self.path)
                web.paths.append(url.path)
                if url.path == "/search":
                    query = parse_qs(url.query)
                    web.searches.append(query)
                    names = ["farm-heat", "broken"] if len(web.searches) == 1 else ["farm-heat", "broken", "costs"]
                    body = json.dumps({"results": [{"url": f"{web.base}/page/{n}"} for n in names]}).encode()
                    self._send(200, "application/json", body)
                elif url.path == "/page/farm-heat":
                    self._send(200, "text/html", PAGE.format(title="Heat on the farm", body=PARAGRAPH).encode())
                elif url.path == "/page/costs":
                    self._send(200, "text/html", PAGE.format(title="What it costs", body=PARAGRAPH).encode())
                else:
                    self._send(404, "text/plain", b"not found")

            def _send(self, status, content_type, body):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def fake_web() -> Iterator[FakeWeb]:
    web = FakeWeb()
    web.thread.start()
    yield web
    web.server.shutdown()
    web.server.server_close()


@pytest.fixture
def research_task(db):
    return make_workflow(
        "web_research_synthesis",
        [("search_sources", True), ("write_synthesis_note", False)],
        INPUTS,
        output_type="document",
    )


def test_it_researches_through_the_configured_search_and_writes_the_synthesis(
    owner, research_task, fake_web, fake_llm, settings, monkeypatch
):
    settings.WEB_SEARCH_URL = f"{fake_web.base}/search"
    settings.WEB_SEARCH_API_KEY = "search-key"
    # The pages are on loopback: the test allows it (production refuses it, see the next test).
    settings.FETCH_ALLOWED_NETWORKS, settings.FETCH_ALLOWED_PORTS = ["127.0.0.1/32"], [fake_web.port]
    fake_llm("Note on farm heat.", "heat pump running costs", "Note on costs.", "None", "Heat pumps pay off on farms.")
    prompts: list[str] = []
    real_chat = llm_services.chat

    def recording_chat(source, **kw):
        prompts.append(source.prompt)
        return real_chat(source, **kw)

    monkeypatch.setattr(llm_services, "chat", recording_chat)
    execution = new_execution(owner, research_task)
    start(execution, research_subject="heat pumps for small farms")
    run_pending(execution)

    search = UserWorkflowStepExecution.objects.get()
    farm, costs = f"{fake_web.base}/page/farm-heat", f"{fake_web.base}/page/costs"
    assert search.results.get().result == [
        {"notes": "Note on farm heat.\n\nNote on costs.", "sources_urls": f"{farm}\n{costs}"}
    ]
    assert [(q["q"], q["format"], q["api_key"], q["count"]) for q in fake_web.searches] == [
        (["heat pumps for small farms"], ["json"], ["search-key"], ["5"]),
        (["heat pump running costs"], ["json"], ["search-key"], ["5"]),
    ]
    note_prompt = prompts[0]
    assert PARAGRAPH.strip()[:60] in note_prompt
    assert "var tracking" not in note_prompt and "Home | About" not in note_prompt

    services.validate(search)
    run_pending(execution)
    synthesis = f"Heat pumps pay off on farms.\n\nSources:\n- [{farm}]({farm})\n- [{costs}]({costs})"
    assert UserWorkflowStepExecution.objects.latest("id").results.get().result == [{"synthesis_note": synthesis}]
    assert ProducedTextVersion.objects.get().production == synthesis


def test_it_never_fetches_a_search_result_on_an_internal_address(owner, research_task, fake_web, fake_llm, settings):
    """Search results pointing at loopback (SSRF, issue 13) are refused by the production policy."""
    settings.WEB_SEARCH_URL = f"{fake_web.base}/search"  # the operator's endpoint may be internal
    fake_llm("heat pump running costs")
    execution = new_execution(owner, research_task)
    start(execution, research_subject="heat pumps for small farms")
    run_pending(execution)
    step = UserWorkflowStepExecution.objects.get()
    assert step.error_status is not None
    assert (step.status, step.error_status["error"]) == (
        "failed",
        "no web page could be read for 'heat pumps for small farms'",
    )
    assert fake_web.paths == ["/search", "/search"]
    assert ProducedTextVersion.objects.count() == 0


def test_it_fails_with_a_clear_message_when_no_search_provider_is_configured(owner, research_task, settings):
    settings.WEB_SEARCH_URL = ""
    execution = new_execution(owner, research_task)
    start(execution, research_subject="heat pumps")
    run_pending(execution)
    step = UserWorkflowStepExecution.objects.get()
    assert step.error_status is not None
    assert (step.status, step.error_status["error"]) == ("failed", NOT_CONFIGURED)
    assert NOT_CONFIGURED == (
        "No web search provider is configured: set MOJODEX_WEB_SEARCH_URL (and MOJODEX_WEB_SEARCH_API_KEY)"
    )
    assert events(execution)[-1] == (
        "error",
        {"error": NOT_CONFIGURED, "session_id": execution.session_id, "user_task_execution_pk": execution.pk},
    )


def test_it_fails_clearly_when_the_search_endpoint_answers_an_error(owner, research_task, fake_web, fake_llm, settings):
    settings.WEB_SEARCH_URL = f"{fake_web.base}/nothing-here"
    execution = new_execution(owner, research_task)
    start(execution, research_subject="heat pumps")
    run_pending(execution)
    step = UserWorkflowStepExecution.objects.get()
    assert step.error_status is not None
    assert step.error_status["error"].startswith("the web search for 'heat pumps' failed: Client error '404 Not Found'")
