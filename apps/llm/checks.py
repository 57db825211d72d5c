"""System checks: the provider files parse (``manage.py check`` and every start-up)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from apps.llm import config


@register()
def check_provider_files(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for loader, setting in (
        (config.chat_providers, "MOJODEX_MODELS_CONF"),
        (config.embedding_providers, "MOJODEX_EMBEDDING_CONF"),
        (config.stt_providers, "MOJODEX_STT_CONF"),
    ):
        try:
            loader()
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), hint=f"fix the file named by {setting} (see docs/llm.md)", id="llm.E001"))
    return errors
