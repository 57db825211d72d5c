"""Signals of accounts, for the higher layers that must react to an account's life.

Sent inside the caller's transaction, so a receiver's writes commit or roll back with it
(paperless-ngx's ``signals`` pattern: the lower app announces, the higher app handles).
"""

from __future__ import annotations

from django.dispatch import Signal

# DELETE /user: sent by ``services.delete_account`` with ``user`` (its row locked), before the
# account is anonymised. Receivers: ``apps.products.handlers`` (deactivate purchases).
account_deleted = Signal()
