"""Row locks of the purchases domain (held until the surrounding transaction ends).

Lock order, everywhere: the execution row (consumption only), then the user row, then purchase
rows. Locking the user row serializes every change to one user's purchases, which is what keeps
"at most one active plan" and the task counts exact under concurrent requests and workers.
"""

from __future__ import annotations

from apps.accounts.models import User


def lock_user(user_id: str) -> None:
    """Lock ``md_user`` row ``user_id`` (call inside ``transaction.atomic``)."""
    list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))
