"""Web search through a configured JSON endpoint, and page text extraction (trafilatura).

``MOJODEX_WEB_SEARCH_URL`` names the endpoint; it is called with ``q`` (the query), ``format=json``,
``count``/``num`` (how many results) and, when ``MOJODEX_WEB_SEARCH_API_KEY`` is set, ``api_key``
plus the Bing ``Ocp-Apim-Subscription-Key`` header. The answer may have the shape of SearxNG
(``results[].url``), SerpAPI (``organic_results[].link``), Bing Web Search v7
(``webPages.value[].url``) or Google Programmable Search (``items[].link``).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from apps.core import safe_fetch
from workflow_steps.base import StepError

logger = logging.getLogger(__name__)

NOT_CONFIGURED = "No web search provider is configured: set MOJODEX_WEB_SEARCH_URL (and MOJODEX_WEB_SEARCH_API_KEY)"
USER_AGENT = "Mojodex/1.0 (web research workflow)"
PAGE_TYPES = ("text/html", "text/plain", "application/xhtml")


class WebSearchNotConfigured(StepError):
    """No search endpoint is configured."""


def _result_urls(payload: Any) -> list[str]:
    if not isinstance(payload, dict):
        return []
    candidates: list[Any] = []
    for key, url_key in (("results", "url"), ("organic_results", "link"), ("items", "link")):
        items = payload.get(key)
        if isinstance(items, list):
            candidates += [item.get(url_key) for item in items if isinstance(item, dict)]
    web_pages = payload.get("webPages")
    if isinstance(web_pages, dict) and isinstance(web_pages.get("value"), list):
        candidates += [item.get("url") for item in web_pages["value"] if isinstance(item, dict)]
    return [url for url in candidates if isinstance(url, str) and urlsplit(url).scheme in ("http", "https")]


def search(query: str) -> list[str]:
    """URLs of the first results for ``query`` (at most ``MOJODEX_WEB_SEARCH_RESULTS``).

    Plain httpx, not the safe fetcher: the endpoint is the operator's setting, not user input
    (it may well be a SearxNG on the private network), and only the query comes from the user.
    """
    if not settings.WEB_SEARCH_URL:
        raise WebSearchNotConfigured(NOT_CONFIGURED)
    count = settings.WEB_SEARCH_RESULTS
    params: dict[str, Any] = {"q": query, "format": "json", "count": count, "num": count}
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if settings.WEB_SEARCH_API_KEY:
        params["api_key"] = settings.WEB_SEARCH_API_KEY
        headers["Ocp-Apim-Subscription-Key"] = settings.WEB_SEARCH_API_KEY
    try:
        response = httpx.get(
            settings.WEB_SEARCH_URL, params=params, headers=headers, timeout=settings.WEB_SEARCH_TIMEOUT
        )
        response.raise_for_status()
        payload = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise StepError(f"the web search for {query!r} failed: {exc}") from exc
    return _result_urls(payload)[:count]


def page_text(url: str) -> str | None:
    """The readable text of a web page (blank lines dropped), or None when it cannot be read.

    ``url`` comes from search results, so it is user-influenced: it is fetched only through the
    SSRF-safe fetcher (internal addresses refused on every hop, size and time bounded).
    """
    policy = safe_fetch.policy_from_settings(
        max_bytes=settings.WEB_FETCH_MAX_BYTES,
        connect_timeout=settings.WEB_FETCH_TIMEOUT,
        read_timeout=settings.WEB_FETCH_TIMEOUT,
        total_timeout=settings.WEB_FETCH_TIMEOUT,
        content_types=PAGE_TYPES,
        allow_truncated=True,
        user_agent=USER_AGENT,
    )
    try:
        page = safe_fetch.fetch(url, policy)
    except safe_fetch.FetchError as exc:
        logger.info("web page %s could not be fetched: %s", url, exc)
        return None
    text = extract_text(page.text())
    return text or None


def extract_text(html: str) -> str:
    """Main text of an HTML page (trafilatura), else all its text; blank lines dropped."""
    import trafilatura  # heavy dependency: loaded by the worker step that scrapes, not at startup

    text = trafilatura.extract(html, favor_recall=True, include_comments=False) or ""
    if not text.strip():
        try:
            import lxml.html  # heavy dependency, only for the fallback

            text = lxml.html.fromstring(html).text_content()
        except Exception:  # malformed page: nothing readable
            text = ""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
