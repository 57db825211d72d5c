"""Request body parsers: DRF's, refusing what would crash or poison the code behind them.

JSON nested deeper than ``MAX_JSON_DEPTH`` (1,000 levels made Python's parser, the serializers or
the error handler hit ``RecursionError``: a 500) and any text holding a NUL byte or a lone
surrogate, or U+FFFD in a form (what invalid UTF-8 decodes to there), are a 400 before a view sees
them. Invalid UTF-8 in a JSON body is already a 400 from DRF's JSON parser.
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from apps.core.api.text import text_problem

MAX_JSON_DEPTH = 32


def _depth_problem(data: Any, *, from_form: bool = False) -> str | None:
    """Walks iteratively (no recursion to exhaust): the first depth or text problem, if any."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list | tuple):
            if depth > MAX_JSON_DEPTH:
                return f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and (problem := text_problem(key, from_form=from_form)):
                    return problem
                stack.append((item, depth + 1))
        elif isinstance(value, str) and (problem := text_problem(value, from_form=from_form)):
            return problem
    return None


def check_parsed(data: Any, *, from_form: bool = False) -> Any:
    """``data`` unchanged, or ``ParseError`` (400) saying what is wrong with it."""
    if problem := _depth_problem(data, from_form=from_form):
        raise ParseError(problem)
    return data


class UnsafeJSON(ValueError):
    """Valid JSON that is too deep or holds text that cannot be stored."""


def loads(text: str | bytes) -> Any:
    """``json.loads`` that cannot recurse out of the stack: ``ValueError`` on bad JSON,
    ``UnsafeJSON`` on JSON too deep or holding a NUL byte or invalid UTF-8."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise UnsafeJSON(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    if problem := _depth_problem(data):
        raise UnsafeJSON(problem)
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
        return check_parsed(data)


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        check_parsed(list(data.lists()), from_form=True)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        check_parsed(list(result.data.lists()), from_form=True)
        return result
