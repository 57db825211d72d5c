"""What a stored text may hold, and how long it may be (docs/limits.md).

Postgres refuses NUL in text (a 500 deep in the ORM) and cannot encode lone surrogates. Invalid
UTF-8 in a JSON body is refused by the JSON parser itself; in form and multipart bodies Django
decodes it to U+FFFD, so there (``from_form=True``) U+FFFD is refused rather than stored mangled.
"""

from __future__ import annotations

import re

_BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
_BAD_FORM_CHARACTERS = re.compile("[\x00\ud800-\udfff\ufffd]")

# Size limits in characters (docs/limits.md). Short texts fit the original's varchar(255) columns;
# long ones are text columns, bounded so one request cannot store or send megabytes to the model.
TITLE_MAX = 255  # md_user_task_execution.title, md_session.title: varchar(255)
PRODUCED_TEXT_TITLE_MAX = 1_000  # md_produced_text_version.title: text
PRODUCED_TEXT_MAX = 100_000  # md_produced_text_version.production: text
INPUT_VALUE_MAX = 20_000  # one form value, in md_user_task_execution.json_input_values
MESSAGE_MAX = 50_000  # a chat message's text, in md_message.message (json)


def text_problem(value: str, *, from_form: bool = False) -> str | None:
    """Why ``value`` cannot be stored, or ``None``."""
    match = (_BAD_FORM_CHARACTERS if from_form else _BAD_CHARACTERS).search(value)
    if match is None:
        return None
    if match.group() == "\x00":
        return "text contains a NUL byte"
    return "text is not valid UTF-8"
