"""The original's paging parameters: ``n_<things>`` (default and cap 50) and ``offset``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ValidationError

MAX_PAGE = 50


def page_bounds(params: Mapping[str, Any], count_name: str, *, default: int = MAX_PAGE) -> tuple[int, int]:
    """(offset, limit) from query params; a non-integer or negative value is a 400 naming it."""

    def read(name: str, fallback: int) -> int:
        raw = params.get(name)
        if raw in (None, ""):
            return fallback
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({name: "must be an integer"}) from None
        if value < 0:
            raise ValidationError({name: "must be >= 0"})
        return value

    limit = min(read(count_name, default), MAX_PAGE)
    return read("offset", 0), limit


def paginate(queryset: Any, params: Mapping[str, Any], count_name: str) -> Any:
    offset, limit = page_bounds(params, count_name)
    return queryset[offset : offset + limit]
