"""MPT (Mojodex Prompt Template) files.

Format (as the original): the lines at the very top starting with ``#!`` name the models the prompt
is written for, in order of preference: ``#! <model>[/<version>]`` (the version is informative,
not used to match). Blank lines after the header are skipped and trailing blank lines dropped; the
rest is a Jinja2 template, rendered here with ``StrictUndefined`` (a missing variable is an error,
not an empty string) and a ``tojson`` filter that does not HTML-escape.

This project adds one convention: a template declares its variables, with an example value each, in
a Jinja comment that opens the body::

    {#- variables {"task_name": "Write a poem", "user_inputs": {"topic": "the sea"}} -#}

The comment renders to nothing; a test renders every ``.mpt`` of the repository with its examples
and checks the declaration lists exactly the variables the template uses. ``model`` is never
declared: it is always passed (the model the prompt is rendered for, as in the original).

Model selection (see ``services``): the first header model served by a configured provider wins;
a ``forced_model`` overrides; a template with no header runs on any model. A variable whose value is
itself an ``MPT`` is rendered first, and the outer model list is intersected with the inner one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from django.conf import settings
from jinja2 import meta

from apps.llm.errors import LLMConfigurationError

HEADER_PREFIX = "#!"
_DECLARATION = re.compile(r"\A\{#-?\s*variables\s*(?P<json>\{.*?\})\s*-?#\}", re.DOTALL)


class MPTFormatError(LLMConfigurationError):
    """A malformed .mpt file (bad header line, bad variable declaration, Jinja syntax error)."""


@dataclass(frozen=True)
class HeaderModel:
    name: str
    version: str = "latest"


@dataclass(frozen=True)
class MPTFile:
    """A parsed .mpt file (cached per path and modification time)."""

    path: Path
    header: tuple[HeaderModel, ...]
    body: str
    declared: dict[str, Any] | None
    template: jinja2.Template = field(compare=False)
    variables: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return self.path.stem


def _tojson(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False, default=str)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters["tojson"] = _tojson
    return env


def parse_header_line(line: str) -> HeaderModel:
    spec = line[len(HEADER_PREFIX) :].strip()
    name, _, version = spec.partition("/")
    if not name.strip():
        raise MPTFormatError(f"invalid model line {line!r}: expected '#! <model>[/<version>]'")
    return HeaderModel(name=name.strip(), version=version.strip() or "latest")


def parse_text(text: str, path: Path) -> MPTFile:
    lines = text.splitlines()
    header: list[HeaderModel] = []
    index = 0
    while index < len(lines) and lines[index].startswith(HEADER_PREFIX):
        try:
            header.append(parse_header_line(lines[index]))
        except MPTFormatError as exc:
            raise MPTFormatError(f"{path}: {exc}") from None
        index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    body_lines = lines[index:]
    while body_lines and not body_lines[-1].strip():
        body_lines.pop()
    body = "\n".join(body_lines)

    declared = None
    match = _DECLARATION.match(body)
    if match:
        try:
            declared = json.loads(match.group("json"))
        except ValueError as exc:
            raise MPTFormatError(f"{path}: the variables declaration is not a JSON object: {exc}") from None
    env = _environment()
    try:
        template = env.from_string(body)
        variables = frozenset(meta.find_undeclared_variables(env.parse(body))) - {"model"}
    except jinja2.TemplateSyntaxError as exc:
        raise MPTFormatError(f"{path}:{exc.lineno + index}: {exc.message}") from None
    return MPTFile(
        path=path, header=tuple(header), body=body, declared=declared, template=template, variables=variables
    )


@lru_cache(maxsize=256)
def _parse_cached(path: str, mtime_ns: int) -> MPTFile:
    return parse_text(Path(path).read_text(encoding="utf-8"), Path(path))


def resolve_path(path: str | Path) -> Path:
    """``path`` as given when absolute, else relative to ``settings.LLM_PROMPTS_DIR``."""
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = Path(settings.LLM_PROMPTS_DIR) / candidate
    if candidate.suffix != ".mpt":
        candidate = candidate.with_name(candidate.name + ".mpt")
    return candidate


def load_file(path: str | Path) -> MPTFile:
    resolved = resolve_path(path)
    try:
        mtime = resolved.stat().st_mtime_ns
    except OSError:
        raise LLMConfigurationError(f"prompt template not found: {resolved}") from None
    return _parse_cached(str(resolved), mtime)


class MPT:
    """A prompt template with its values: ``MPT("chat/task_run", username="Alice", ...)``."""

    def __init__(self, path: str | Path, forced_model: str | None = None, **values: Any) -> None:
        self.file = load_file(path)
        self.forced_model = forced_model
        self.values = values

    @property
    def label(self) -> str:
        """The file name without extension: costs CSV ``name`` and dataset folder."""
        return self.file.label

    @property
    def path(self) -> Path:
        return self.file.path

    @property
    def header_models(self) -> list[str]:
        return [m.name for m in self.file.header]

    @property
    def models(self) -> list[str]:
        """Models this prompt may run on, in order; empty means "any model".

        The header's, intersected with those of nested MPT values (outer order kept).
        """
        models = self.header_models
        for value in self.values.values():
            if isinstance(value, MPT):
                inner = value.models
                if not inner:
                    continue
                models = [m for m in models if m in inner] if models else list(inner)
                if not models:
                    raise LLMConfigurationError(f"{self.label}: no model common to the prompt and {value.label}")
        return models

    def render(self, model: str | None = None) -> str:
        """The prompt text for ``model`` (default: the first model of the header, or "")."""
        if model is None:
            model = self.forced_model or (self.models[0] if self.models else "")
        values = {key: value.render(model) if isinstance(value, MPT) else value for key, value in self.values.items()}
        try:
            return self.file.template.render(**values, model=model).strip()
        except jinja2.UndefinedError as exc:
            raise MPTFormatError(f"{self.label}: {exc.message}") from None

    @property
    def prompt(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"MPT({self.label!r})"


def iter_prompt_files(root: Path | None = None) -> list[Path]:
    """Every .mpt under ``root`` (default ``settings.LLM_PROMPTS_DIR``), sorted."""
    return sorted(Path(root or settings.LLM_PROMPTS_DIR).rglob("*.mpt"))
