"""The original's paging parameters: ``n_<things>`` (default and cap 50) and ``offset``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ValidationError

MAX_PAGE = 50
# Far past any real list, far below Postgres' bigint (an offset of 2**63 was a 500).
MAX_OFFSET = 1_000_000_000


def page_bounds(params: Mapping[str, Any], count_name: str, *, default: int = MAX_PAGE) -> tuple[int, int]:
    """(offset, limit) from query params; a non-integer, negative or out-of-range value is a 400
    naming it. A page size above ``MAX_PAGE`` is capped, as the original did."""

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
    offset = read("offset", 0)
    if offset > MAX_OFFSET:
        raise ValidationError({"offset": f"must be <= {MAX_OFFSET}"})
    return offset, limit


def paginate(queryset: Any, params: Mapping[str, Any], count_name: str) -> Any:
    offset, limit = page_bounds(params, count_name)
    return queryset[offset : offset + limit]
