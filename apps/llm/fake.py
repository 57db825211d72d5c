"""The offline ``fake`` chat provider: deterministic, streamed, speaking the tag protocol.

It answers from the prompt it is given: the MPT label (file name) and values when the call comes
from a template, else the tags the rendered prompt mentions. Rules (also in docs/llm.md):

* instruct (``task_run``, or a prompt mentioning ``<execution>`` and ``<ask_user_primary_info>``):
  with no user content at all (no user message, no filled-in input) it asks with
  ``<ask_user_primary_info>``; otherwise it delivers ``<execution><title>…</title><draft>…</draft>
  </execution>``. Always preceded by ``<user_language>en</user_language>``.
* home chat (``home_chat_run`` or ``<task_pk>``): with a running task, as instruct after
  ``<task_pk>N</task_pk>``; else ``<task_pk>N</task_pk>`` when the last user message names a listed
  task (its ``name_for_system``, underscores read as spaces), or ``<task_pk>null</task_pk>`` and a
  ``<message_to_user>``.
* workflow (``workflow_run`` or ``<user_instruction>``): result delivered → ``<execution>``; no user
  message → ``<ask_for_clarification>``; a user message → ``<user_instruction>`` restating it.
* the other project prompts get a plausible fixed-form answer (JSON for the JSON prompts, "yes" for
  chunk relevance, "None" when research notes exist …); anything else gets an echo of the last
  message (``{}`` in JSON mode).

Tests and demos can queue exact replies: ``script_replies("text", …)`` (kept in Redis, so a Celery
worker process sees them too), consumed one per call before the rules apply.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings

from apps.llm import tags
from apps.llm.config import ProviderConfig
from apps.llm.providers import ChatRequest, OnDelta, ProviderReply

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"\s*\S+|\s+")


def split_tokens(text: str) -> list[str]:
    """The streamed pieces of a fake reply: each word with its leading whitespace."""
    return _TOKEN.findall(text)


# --- scripted replies (Redis list, shared with worker processes) ---------------------------------
def _script_key() -> str:
    layer_config: Any = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    prefix = layer_config.get("prefix", "mojodex")
    return f"{prefix}:llm:fake:script"


def _redis():
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def script_replies(*texts: str) -> None:
    """Queue exact replies for the next fake calls (first in, first out)."""
    client = _redis()
    try:
        client.rpush(_script_key(), *texts)
    finally:
        client.close()


def clear_script() -> None:
    client = _redis()
    try:
        client.delete(_script_key())
    finally:
        client.close()


def _pop_scripted() -> str | None:
    try:
        client = _redis()
        try:
            value = client.lpop(_script_key())
        finally:
            client.close()
    except Exception as exc:  # Redis down must not break the offline provider
        logger.warning("fake LLM: cannot read scripted replies: %s", exc)
        return None
    return value.decode() if isinstance(value, bytes) else value


# --- reading the request ---------------------------------------------------------------------------
def _last_user_message(messages: list[dict[str, Any]], *, skip_first: bool) -> str:
    candidates = messages[1:] if skip_first else messages
    for message in reversed(candidates):
        if message.get("role") == "user" and isinstance(message.get("content"), str):
            return message["content"].strip()
    return ""


def _input_values(user_inputs: Any) -> list[str]:
    """The non-empty values of a task's inputs (a list of {input_name, value} or a plain dict)."""
    if isinstance(user_inputs, dict):
        items = list(user_inputs.values())
    elif isinstance(user_inputs, list):
        items = [item.get("value") if isinstance(item, dict) else item for item in user_inputs]
    else:
        items = [user_inputs]
    return [str(v).strip() for v in items if v not in (None, "") and str(v).strip()]


def _short(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _language() -> str:
    return tags.wrap(tags.USER_LANGUAGE, "en")


def _execution(task_name: str, content: str, revised: bool) -> str:
    readable = task_name.replace("_", " ").strip() or "your request"
    title = f"{readable.capitalize()}: {_short(content, 6)}"
    opening = "Here is the updated text" if revised else f"Here is a first version for {readable}"
    draft = f"{opening}, based on what you told me:\n\n{content}\n\nTell me what to change."
    return tags.wrap(tags.EXECUTION, tags.wrap(tags.TITLE, title) + tags.wrap(tags.DRAFT, draft))


def _instruct(values: dict[str, Any], user_text: str, task_name: str) -> str:
    content = user_text or "\n".join(_input_values(values.get("user_inputs")))
    if not content:
        question = f"Could you tell me more about what you need for {task_name.replace('_', ' ') or 'this task'}?"
        return _language() + tags.wrap("missing_primary_info", "yes") + tags.wrap(tags.ASK_USER_PRIMARY_INFO, question)
    revised = bool(values.get("produced_text_done"))
    return _language() + tags.wrap("missing_primary_info", "no") + _execution(task_name, content, revised)


def _home_chat(values: dict[str, Any], user_text: str) -> str:
    running = values.get("running_task")
    if running:
        task_pk = tags.wrap(tags.TASK_PK, str(running.get("task_pk")))
        return task_pk + _instruct(values, user_text, str(running.get("name_for_system", "")))
    lowered = user_text.lower()
    for task in values.get("tasks") or []:
        name = str(task.get("name_for_system", "")).lower()
        if name and (name in lowered or name.replace("_", " ") in lowered):
            return _language() + tags.wrap(tags.TASK_PK, str(task.get("task_pk")))
    answer = f"Happy to help. You said: {_short(user_text, 30)}" if user_text else "Hello! How can I help you today?"
    return _language() + tags.wrap(tags.TASK_PK, "null") + tags.wrap(tags.MESSAGE_TO_USER, answer)


def _workflow(values: dict[str, Any], user_text: str) -> str:
    workflow = values.get("workflow") or {}
    if values.get("produced_text_done"):
        return _language() + _execution(str(workflow.get("name_for_system", "")), user_text or "(no change)", True)
    if not user_text:
        return _language() + tags.wrap(tags.ASK_FOR_CLARIFICATION, "What would you like me to change in this step?")
    return _language() + tags.wrap(tags.USER_INSTRUCTION, f"Redo the step taking this into account: {user_text}")


def _date_after(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def _todo_lines(text: str) -> list[str]:
    return [m.strip() for m in re.findall(r"(?im)^\s*(?:[-*]\s*)?(?:todo|next step)s?\s*[:\-]\s*(.+)$", text)]


def _edited(label: str, values: dict[str, Any]) -> str:
    title, draft = str(values.get("title", "")), str(values.get("draft", ""))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", draft.strip()) if s]
    if label == "make_it_shorter":
        draft = " ".join(sentences[: max(1, len(sentences) // 2)])
    elif label == "more_creative":
        draft = f"Imagine this: {draft}"
    elif label == "formal_to_informal":
        draft = f"Hey! {draft}"
    elif label == "just_memo":
        draft = "\n".join(f"- {s}" for s in sentences)
    return tags.wrap(tags.TITLE, title) + tags.wrap(tags.DRAFT, draft)


def _proper_nouns(text: str) -> str:
    words = text.split(" ")
    return " ".join(
        f"*{w}*" if i and w[:1].isupper() and not words[i - 1].endswith((".", "!", "?")) else w
        for i, w in enumerate(words)
    )


_LABEL_RULES: dict[str, Callable[[dict[str, Any], str], str]] = {
    "task_run": lambda v, u: _instruct(v, u, str((v.get("task") or {}).get("name_for_system", ""))),
    "home_chat_run": _home_chat,
    "workflow_run": _workflow,
    "welcome_message": lambda v, u: (
        tags.wrap(tags.MESSAGE_HEADER, f"Hello {v.get('username', '')} 👋")
        + tags.wrap(tags.MESSAGE_BODY, "A new week starts. What shall we work on first?")
    ),
    "task_execution_summary": lambda v, u: (
        tags.wrap(tags.TITLE, str(v.get("task_name", "Task")).replace("_", " ").capitalize())
        + tags.wrap(tags.SUMMARY, f"You worked on {str(v.get('task_name', 'a task')).replace('_', ' ')} with Mojodex.")
    ),
    "get_language": lambda v, u: "en",
    "translation": lambda v, u: str(v.get("text", "")),
    "proper_nouns_tagger": lambda v, u: _proper_nouns(str(v.get("transcription", ""))),
    "get_text_type": lambda v, u: str((v.get("text_types") or ["None"])[0]),
    "is_website_chunk_relevant": lambda v, u: "yes",
    "extract_todos": lambda v, u: json.dumps(
        {
            "todos": [
                {"todo_definition": line, "mentioned_as_todo": "yes", "due_date": _date_after(1)}
                for line in _todo_lines(f"{v.get('conversation', '')}\n{v.get('result', '')}")
            ]
        }
    ),
    "reschedule_todo": lambda v, u: json.dumps(
        {
            "pros": "The day is lighter.",
            "cons": "It delays the to-do.",
            "argument": "I moved it to the next working day.",
            "reschedule_date": _date_after(1),
        }
    ),
    "todo_daily_emails_text_prompt": lambda v, u: json.dumps(
        {
            "subject": "Your to-dos for today",
            "body": "<p>Hello "
            + str(v.get("username", ""))
            + ",</p><ul>"
            + "".join(f"<li>{t.get('description', '')}</li>" for t in v.get("todos") or [])
            + "</ul>",
        }
    ),
    "extract_company_infos_from_webpage": lambda v, u: json.dumps(
        {
            "name": str(v.get("website_url", "")).split("//")[-1].split("/")[0],
            "description": _short(str(v.get("webpage_text", "")), 40),
            "emoji": "🏢",
        }
    ),
    "correct_company_infos": lambda v, u: json.dumps(
        dict(v.get("company_infos") or {})
        | {"description": f"{(v.get('company_infos') or {}).get('description', '')} {v.get('correction', '')}".strip()}
    ),
    "determine_poem_stanza": lambda v, u: "\n".join(
        f"{v.get('poem_topic', 'the topic')}, part {i + 1}" for i in range(int(v.get("n_stanzas") or 3))
    ),
    "write_poem_stanza": lambda v, u: (
        f"Of {v.get('stanza_topic', '')} I sing,\nas morning lifts its wing,\n"
        f"and {v.get('poem_topic', '')} will bring\nthe light of everything."
    ),
    "extract_chapters_from_transcription": lambda v, u: "0 --> 30: Introduction\n30 --> 60: Main part",
    "chapters_to_doc": lambda v, u: "\n\n".join(
        f"## {line.split(':', 1)[-1].strip()}\n\nContent of this chapter from the recording."
        for line in str(v.get("chapters", "")).splitlines()
        if line.strip()
    ),
    "create_note_from_webpage": lambda v, u: (
        f"Notes from {v.get('url', '')}: {_short(str(v.get('webpage_text', '')), 60)}"
    ),
    "ask_for_another_search": lambda v, u: "None" if v.get("sources") else str(v.get("research_subject", "")),
    "synthesis": lambda v, u: f"Synthesis on {v.get('research_subject', '')}.\n\n{v.get('notes', '')}",
    "generate_task_json": lambda v, u: json.dumps(
        {
            "task_type": "instruct",
            "platforms": ["webapp", "mobile"],
            "name_for_system": "generated_task",
            "definition_for_system": _short(str(v.get("requirements", "")), 40),
            "final_instruction": "Write the text in the user's language.",
            "output_format_instruction_title": "A short title",
            "output_format_instruction_draft": "The text",
            "infos_to_extract": [{"info_name": "subject", "description": "What the text is about"}],
            "output_type": (v.get("text_types") or ["document"])[0],
            "icon": "📝",
            "result_chat_enabled": True,
            "predefined_actions": [],
            "task_displayed_data": [
                {
                    "language_code": code,
                    "name_for_user": "Generated task",
                    "definition_for_user": "A task generated from requirements.",
                    "json_input": [
                        {
                            "input_name": "subject",
                            "description_for_user": "Subject",
                            "description_for_system": "What the text is about",
                            "placeholder": "…",
                            "type": "text_area",
                        }
                    ],
                }
                for code in v.get("languages") or ["en"]
            ],
        }
    ),
}


def _edit_rule(label: str) -> Callable[[dict[str, Any], str], str]:
    return lambda values, user_text: _edited(label, values)


for _name in ("make_it_shorter", "more_creative", "formal_to_informal", "just_memo"):
    _LABEL_RULES[_name] = _edit_rule(_name)


def plan_reply(request: ChatRequest) -> str:
    """The fake's answer to a request (deterministic)."""
    messages = request.messages
    first = messages[0] if messages else {}
    system = first.get("content") if first.get("role") == "system" else ""
    system = system if isinstance(system, str) else ""
    # From a template (or with a system prompt) the first message is the prompt, not the user.
    from_prompt = request.values is not None or bool(system)
    user_text = _last_user_message(messages, skip_first=from_prompt)
    values = request.values or {}
    rule = _LABEL_RULES.get(request.label)
    if rule is not None:
        return rule(values, user_text)
    first_content = first.get("content")
    prompt = system or (first_content if isinstance(first_content, str) else "")
    if tags.has(prompt, tags.TASK_PK):
        return _home_chat(values, user_text)
    if tags.has(prompt, tags.USER_INSTRUCTION):
        return _workflow(values, user_text)
    if tags.has(prompt, tags.EXECUTION) and tags.has(prompt, tags.ASK_USER_PRIMARY_INFO):
        return _instruct(values, user_text, "")
    if request.json_format:
        return "{}"
    last = user_text or prompt
    return f"Fake answer: {_short(last, 40)}" if last else "Fake answer."


def complete_chat(config: ProviderConfig, request: ChatRequest, on_delta: OnDelta | None) -> ProviderReply:
    """Answer like a provider: stream word by word (``MOJODEX_FAKE_LLM_TOKEN_DELAY_MS`` apart)."""
    started = time.monotonic()
    text = _pop_scripted()
    if text is None:
        text = plan_reply(request)
    if on_delta is None:
        return ProviderReply(text=text, finish_reason="stop")
    delay = settings.LLM_FAKE_TOKEN_DELAY_MS / 1000
    sent = ""
    first: float | None = None
    for index, token in enumerate(split_tokens(text)):
        if index and delay:
            time.sleep(delay)
        if first is None:
            first = time.monotonic() - started
        sent += token
        if on_delta(token):
            return ProviderReply(text=sent, finish_reason="stopped", stopped=True, time_to_first_token=first)
    return ProviderReply(text=text, finish_reason="stop", time_to_first_token=first)
