"""Typed readers of environment variables.

Each helper raises ``ImproperlyConfigured`` naming the variable when its value is malformed, so a
bad deployment fails at start-up with a clear message instead of misbehaving later.
``env_secret`` also accepts ``NAME_FILE`` (Docker/Kubernetes secrets mounted as files).
"""

from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0/yes/no), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_ports(name: str, default: list[int]) -> list[int]:
    """Comma-separated TCP port numbers (1-65535)."""
    ports = []
    for item in env_list(name, [str(port) for port in default]):
        if not (item.isascii() and item.isdigit() and 1 <= int(item) <= 65535):
            raise ImproperlyConfigured(f"{name} must list port numbers (1-65535), got {item!r}")
        ports.append(int(item))
    return ports


def env_networks(name: str) -> list[str]:
    """Comma-separated IP networks in CIDR notation (``10.0.0.0/8``, ``fd00::/8``), normalized."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(f"{name} must list IP networks such as 10.0.0.0/8, got {item!r}") from None
    return networks


def env_secret(name: str, default: str = "") -> str:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE names an unreadable file: {exc}") from None
    return os.environ.get(name, default)


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


def env_url(name: str, default: str, *, schemes: set[str]) -> str:
    """A URL whose scheme must be one of ``schemes``."""
    raw = os.environ.get(name, default)
    if not raw:
        return raw
    scheme = urlsplit(raw).scheme
    if scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name} must be a URL with scheme {allowed}; got {raw!r}")
    return raw


def database_from_url(name: str, url: str) -> dict[str, Any]:
    """Django DATABASES entry from a ``postgresql://`` URL (Postgres only, psycopg 3).

    A ``?host=/socket/dir`` query (how pgserver names its unix socket) becomes ``HOST``.
    """
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"{name} must be a postgresql:// URL (Postgres only); got {url!r}")
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    options = config.setdefault("OPTIONS", {})
    if "host" in options:
        config["HOST"] = options.pop("host")
    return config


def read_json_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"{path} is not readable JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured(f"{path} must hold a JSON object")
    return data
