"""Mojodex on Django: project package (settings, URLs, ASGI entry point)."""
