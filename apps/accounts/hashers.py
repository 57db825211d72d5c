"""Verification of the original Mojodex password hashes (werkzeug ``pbkdf2:sha256:<n>$salt$hex``).

Django identifies a hasher by the text before the first ``$``, which for werkzeug includes the
iteration count, so these hashes are checked by ``User.check_password`` and re-hashed with
Django's default hasher on the first successful login.
"""

from __future__ import annotations

import hashlib
import hmac

_PREFIX = "pbkdf2:"


def is_werkzeug_hash(encoded: str) -> bool:
    return encoded.startswith(_PREFIX) and encoded.count("$") == 2


def check_werkzeug_password(encoded: str, password: str) -> bool:
    try:
        method, salt, expected = encoded.split("$")
        _, digest, *rest = method.split(":")
        iterations = int(rest[0]) if rest else 600_000
        actual = hashlib.pbkdf2_hmac(digest, password.encode(), salt.encode(), iterations).hex()
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def make_werkzeug_password(password: str, salt: str, iterations: int = 260_000) -> str:
    """Build a hash in the original's format (used by tests and by legacy-data fixtures)."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2:sha256:{iterations}${salt}${digest}"
