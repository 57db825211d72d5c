"""PUT /error: error reports of the client apps, kept in chat's ``md_error`` table."""

from __future__ import annotations

import logging

from apps.accounts.models import User
from apps.chat.models import Error, Session
from apps.notifications.services import notify_technical

logger = logging.getLogger(__name__)


def report_client_error(user: User, error: str, *, notify_admin: bool = False, session_id: str | None = None) -> None:
    """An app reports an error; kept in md_error (with the session when it is the user's), logged,
    and e-mailed to the technical receivers when asked."""
    session = Session.objects.filter(pk=session_id, user=user).first() if session_id else None
    text = f"{error}\nUser: {user.pk}"
    Error.objects.create(session=session, message=text)
    logger.warning("client error from user %s: %s", user.pk, error[:500])
    if notify_admin:
        notify_technical("Client error", text)
