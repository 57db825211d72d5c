"""Swagger UI at /api/docs/ works offline: its page names only files the app itself serves."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

SIDECAR = "/static/drf_spectacular_sidecar/swagger-ui-dist/"


def test_the_docs_page_references_only_local_assets_and_each_is_served(anonymous):
    response = anonymous.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == sorted(
        SIDECAR + name
        for name in ("favicon-32x32.png", "swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js")
    )
    assert not re.search(r"https?://|//cdn|jsdelivr|unpkg", html)

    for asset in assets:
        served = anonymous.get(asset)
        assert served.status_code == 200, asset
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert len(body) > 100, asset
    bundle = anonymous.get(SIDECAR + "swagger-ui-bundle.js")
    assert bundle["Content-Type"].startswith(("application/javascript", "text/javascript"))
