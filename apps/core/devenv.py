"""What ``manage.py dev`` chooses before settings load, so it runs with no configuration at all.

Settings refuse a missing ``SECRET_KEY`` and unchosen fake providers (``mojodex.guards``), so
``manage.py`` calls :func:`prepare` for the ``dev`` command: a random key generated once under
``MOJODEX_VAR_DIR`` (reused on restart) and ``MOJODEX_FAKE_PROVIDERS=true`` unless set. Other
commands get the same while ``dev`` runs on its embedded servers (``embedded.json`` present, no
``DATABASE_URL``: a local machine, never a production one), so ``createsuperuser`` and ``shell``
work beside it. No Django import here: this runs before settings.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import MutableMapping
from pathlib import Path

KEY_FILE_NAME = "secret_key"


def var_dir(environ: MutableMapping[str, str], base_dir: Path) -> Path:
    raw = environ.get("MOJODEX_VAR_DIR")
    return Path(raw).expanduser().resolve() if raw else base_dir / "var"


def secret_key_file(directory: Path) -> Path:
    """The key file under ``directory``, created once with a random key readable by its owner only."""
    path = directory / KEY_FILE_NAME
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50) + "\n")
    return path


def applies(argv: list[str], environ: MutableMapping[str, str], base_dir: Path) -> bool:
    if argv[1:2] == ["dev"]:
        return True
    return not environ.get("DATABASE_URL") and (var_dir(environ, base_dir) / "embedded.json").is_file()


def prepare(environ: MutableMapping[str, str], base_dir: Path) -> None:
    """Fill in what a bare checkout lacks; whatever the environment already says wins."""
    if not environ.get("SECRET_KEY") and not environ.get("SECRET_KEY_FILE"):
        environ["SECRET_KEY_FILE"] = str(secret_key_file(var_dir(environ, base_dir)))
    environ.setdefault("MOJODEX_FAKE_PROVIDERS", "true")
