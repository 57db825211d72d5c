"""User files on disk: the session folder layout and safe file names (infrastructure every app uses).

Layout, as the original's: ``<DATA_DIR>/users/<user_id>/<session_id>/<folder>/<name>``. It lives in
``core`` because chat (voice, images), executions (form uploads) and workflow steps (documents) all
write there and none of them should depend on another for it.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

FILE_INPUTS = {
    "image": ("images", {".png", ".jpg", ".jpeg", ".gif", ".webp"}),
    "multiple_images": ("images", {".png", ".jpg", ".jpeg", ".gif", ".webp"}),
    "audio_file": ("audio_files", {".mp3", ".m4a", ".wav", ".webm", ".ogg", ".mp4", ".mpeg", ".mpga"}),
    "video": ("videos", {".mp4", ".mov", ".webm", ".mkv"}),
}
MAX_FILE_BYTES = {"images": 10 * 1024 * 1024, "audio_files": 50 * 1024 * 1024, "videos": 200 * 1024 * 1024}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def session_dir(user_id: str, session_id: str) -> Path:
    """The session's folder of user files, laid out as the original: <data>/users/<user>/<session>."""
    return Path(settings.DATA_DIR) / "users" / user_id / session_id


def safe_filename(name: str) -> str:
    """``name`` without its directories and with anything but ``[A-Za-z0-9._-]`` replaced."""
    cleaned = _SAFE_NAME.sub("_", Path(name).name).strip("._")
    return cleaned or "file"
