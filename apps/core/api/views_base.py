"""The base of API views whose one path mixes public and protected methods.

``ServiceView`` lets one path mix public and protected methods (the original's ``/user``
logs in anonymously on POST and deletes the signed-in account on DELETE): per-method
authentication, permission and throttle classes, falling back to the view-wide ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.accounts.models import User

Classes = Sequence[type]


class ServiceView(APIView):
    method_authentication: Mapping[str, Classes] = {}
    method_permissions: Mapping[str, Classes] = {}
    method_throttles: Mapping[str, Classes] = {}

    def _method(self) -> str:
        request = getattr(self, "request", None)
        return (getattr(request, "method", "") or "").upper()

    def get_authenticators(self) -> list[Any]:
        classes = self.method_authentication.get(self._method())
        return [cls() for cls in classes] if classes is not None else super().get_authenticators()

    def get_permissions(self) -> list[Any]:
        classes = self.method_permissions.get(self._method())
        return [cls() for cls in classes] if classes is not None else list(super().get_permissions())

    def get_throttles(self) -> list[Any]:
        classes = self.method_throttles.get(self._method())
        return [cls() for cls in classes] if classes is not None else super().get_throttles()


def validated(serializer_class: type, data: Any, **kwargs: Any) -> dict[str, Any]:
    """Validate ``data`` (body or query params) or raise DRF's 400 naming the field."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def body_must_be_object(request: Request) -> None:
    if not isinstance(request.data, Mapping):
        raise ValidationError({"non_field_errors": ["the body must be a JSON object"]})


def current_user(request: Request) -> User:
    """The signed-in user of a route whose permissions already require one."""
    return cast(User, request.user)
