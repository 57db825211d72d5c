"""Steps of web_research_synthesis: ``search_sources`` and ``write_synthesis_note``."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from apps.llm import services as llm
from workflow_steps.base import PastStep, StepContext, StepError, WorkflowStep, required
from workflow_steps.web_research_synthesis import web

logger = logging.getLogger(__name__)

MAX_SOURCES = 3


class SearchSources(WorkflowStep):
    """Up to three searches; each keeps the first new result page that reads, as notes."""

    name = "search_sources"

    def run(
        self,
        parameter: dict[str, Any],
        past_validated_steps: Sequence[PastStep],
        initial_parameter: Mapping[str, Any],
        context: StepContext,
    ) -> list[dict[str, Any]]:
        subject = required(parameter, "research_subject", "workflow inputs")
        sources: list[dict[str, Any]] = []
        seen_urls: set[str] = set()
        queries: list[str] = []
        query: str | None = subject
        while query and len(sources) < MAX_SOURCES:
            queries.append(query)
            sources.append(self._source(subject, query, seen_urls, context))
            if len(sources) < MAX_SOURCES:
                query = self._next_query(subject, sources, context)
                if query in queries:
                    query = None
        read = [source for source in sources if source["note"]]
        if not read:
            raise StepError(f"no web page could be read for {subject!r}")
        return [
            {
                "notes": "\n\n".join(source["note"] for source in read),
                "sources_urls": "\n".join(source["link"] for source in read),
            }
        ]

    def _source(self, subject: str, query: str, seen_urls: set[str], context: StepContext) -> dict[str, Any]:
        for url in web.search(query):
            if url in seen_urls:
                continue
            seen_urls.add(url)
            text = web.page_text(url)
            if not text:
                continue
            prompt = llm.render_prompt(
                "workflows/web_research_synthesis/create_note_from_webpage",
                research_subject=subject,
                query=query,
                url=url,
                webpage_text=text,
            )
            try:
                note = context.llm_call(prompt, max_tokens=4000)
            except llm.LLMTerminalError as exc:  # e.g. a page too long for the model: try the next one
                logger.info("no note from %s: %s", url, exc)
                continue
            return {"query": query, "link": url, "note": note}
        return {"query": query, "link": None, "note": None}

    def _next_query(self, subject: str, sources: list[dict[str, Any]], context: StepContext) -> str | None:
        prompt = llm.render_prompt(
            "workflows/web_research_synthesis/ask_for_another_search", research_subject=subject, sources=sources
        )
        answer = context.llm_call(prompt, max_tokens=200).strip().strip('"')
        return None if not answer or answer.lower() in ("none", "null") else answer


class WriteSynthesisNote(WorkflowStep):
    """The synthesis of the notes, followed by a Sources section (one markdown link per URL)."""

    name = "write_synthesis_note"

    def run(
        self,
        parameter: dict[str, Any],
        past_validated_steps: Sequence[PastStep],
        initial_parameter: Mapping[str, Any],
        context: StepContext,
    ) -> list[dict[str, Any]]:
        prompt = llm.render_prompt(
            "workflows/web_research_synthesis/synthesis",
            research_subject=initial_parameter.get("research_subject") or "",
            notes=required(parameter, "notes", "step parameter"),
            learned_instructions=context.instructions,
        )
        synthesis = context.llm_call(prompt, max_tokens=4000)
        urls = [line.strip() for line in str(parameter.get("sources_urls") or "").splitlines() if line.strip()]
        if urls:
            synthesis += "\n\nSources:\n" + "\n".join(f"- [{url}]({url})" for url in urls)
        return [{"synthesis_note": synthesis}]
