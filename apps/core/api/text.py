"""What a stored text may hold, and how long it may be (docs/limits.md).

Postgres refuses NUL in text (a 500 deep in the ORM) and cannot encode lone surrogates; U+FFFD is
what Django's form parsing makes of invalid UTF-8, so it is refused rather than stored mangled.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff\ufffd]")

# Size limits in characters (docs/limits.md). Short texts fit the original's varchar(255) columns;
# long ones are text columns, bounded so one request cannot store or send megabytes to the model.
TITLE_MAX = 255  # md_user_task_execution.title, md_session.title: varchar(255)
PRODUCED_TEXT_TITLE_MAX = 1_000  # md_produced_text_version.title: text
PRODUCED_TEXT_MAX = 100_000  # md_produced_text_version.production: text
INPUT_VALUE_MAX = 20_000  # one form value, in md_user_task_execution.json_input_values
MESSAGE_MAX = 50_000  # a chat message's text, in md_message.message (json)


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored, or ``None``."""
    match = _BAD_CHARACTERS.search(value)
    if match is None:
        return None
    if match.group() == "\x00":
        return "text contains a NUL byte"
    return "text is not valid UTF-8"


def validate_text(value: object) -> None:
    """A Django/DRF validator refusing NUL bytes and invalid UTF-8 in a text field."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise ValidationError(problem)
