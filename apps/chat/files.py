"""Files of a session folder served to and received from its user: message audio and images.

Layout (as the original, ``reference/background-and-scheduler.md`` §11)::

    <DATA_DIR>/users/<user_id>/<session_id>/
        user_messages_audios/<message_id>_<uuid>.<ext>  voice messages (name kept in the message's ``audio_file``)
        mojo_messages_audios/<message_pk>.mp3     the assistant's speech
        images/<filename>                         image inputs and chat images

Every path is built from a session the caller owns and a name that passes ``safe_filename``, and is
checked to resolve inside its folder, so no request reaches another user's files.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from django.core.files.uploadedfile import UploadedFile

from apps.chat.models import Message, Sender, Session
from apps.core.errors import Invalid
from apps.core.user_files import FILE_INPUTS, MAX_FILE_BYTES, safe_filename, session_dir
from apps.llm import audio

logger = logging.getLogger(__name__)

AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a")
USER_AUDIO_FOLDER = "user_messages_audios"
MOJO_AUDIO_FOLDER = "mojo_messages_audios"
IMAGES_FOLDER, IMAGE_SUFFIXES = FILE_INPUTS["image"]
MAX_IMAGE_BYTES = MAX_FILE_BYTES[IMAGES_FOLDER]


class ImageRejected(Invalid):
    """An upload that is not an accepted image (400, named ``file``), or one too large (413)."""

    def __init__(self, reason: str, *, too_large: bool = False):
        super().__init__(f"file: {reason}", fields=None if too_large else {"file": [reason]})
        self.too_large = too_large
        if too_large:
            self.status = 413


def _inside(folder: Path, name: str) -> Path | None:
    """``folder/name`` when ``name`` is a plain safe file name that stays inside ``folder``."""
    if not name or safe_filename(name) != name:
        return None
    path = (folder / name).resolve()
    return path if path.parent == folder.resolve() else None


def _files(folder: Path) -> set[str]:
    try:
        return {entry.name for entry in folder.iterdir() if entry.is_file()}
    except (FileNotFoundError, NotADirectoryError):
        return set()


# --- audio of messages -----------------------------------------------------------------------------


def audio_flags(session: Session, messages: Sequence[Message]) -> dict[int, bool]:
    """Whether each message has an audio file: a user message's stored voice upload (``audio_file``
    of its JSON, or ``<message_pk>.wav|mp3|m4a``), an assistant message's ``<message_pk>.wav|mp3|m4a``.
    One folder listing per sender, whatever the number of messages."""
    base = session_dir(session.user_id, session.pk)
    user_files = _files(base / USER_AUDIO_FOLDER)
    mojo_files = _files(base / MOJO_AUDIO_FOLDER)
    flags = {}
    for message in messages:
        names = {f"{message.pk}{suffix}" for suffix in AUDIO_SUFFIXES}
        if message.sender == Sender.USER:
            stored = message.message.get("audio_file") if isinstance(message.message, dict) else None
            if isinstance(stored, str):
                names.add(stored)
            flags[message.pk] = bool(names & user_files)
        else:
            flags[message.pk] = bool(names & mojo_files)
    return flags


def message_audio(message: Message) -> Path | None:
    """The message's audio file, or None (``message.session`` is loaded by the caller)."""
    folder_name = USER_AUDIO_FOLDER if message.sender == Sender.USER else MOJO_AUDIO_FOLDER
    folder = session_dir(message.session.user_id, message.session_id) / folder_name
    candidates: list[Path | None] = []
    stored = message.message.get("audio_file") if isinstance(message.message, dict) else None
    if message.sender == Sender.USER and isinstance(stored, str):
        candidates.append(_inside(folder, stored))
    if folder.is_dir():
        candidates += sorted(folder.glob(f"{message.pk}.*"))
    for path in candidates:
        if path is not None and path.is_file():
            return path
    return None


def store_message_audio(session: Session, message_id: str, upload: UploadedFile, name: str | None = None) -> str:
    """Store a voice upload once a real decoder has read it as audio of at most
    ``MOJODEX_AUDIO_MAX_SECONDS`` (``Invalid`` naming ``file`` otherwise, nothing stored), under a
    name unique to this upload (``<safe message id>_<uuid>.<ext>``: ids that ``safe_filename`` maps
    together never share a file), or under ``name`` (a retry restoring a removed file); returns the
    stored name."""
    source: str | IO[bytes] = (
        upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else upload.file or upload
    )
    try:
        upload.seek(0)
        audio.probe(source)
    except audio.AudioRejected as exc:
        raise Invalid(f"file: {exc}", fields={"file": [str(exc)]}) from None
    finally:
        upload.seek(0)
    folder = session_dir(session.user_id, session.pk) / USER_AUDIO_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    name = name or f"{safe_filename(message_id)}_{uuid.uuid4().hex[:12]}{Path(upload.name or '').suffix.lower()}"
    with open(folder / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def remove_message_audio(session: Session, name: str | None) -> None:
    """Delete a stored voice upload (a failed or duplicate message's), best effort."""
    path = _inside(session_dir(session.user_id, session.pk) / USER_AUDIO_FOLDER, name or "")
    if path is None:
        return
    try:
        path.unlink(missing_ok=True)
    except OSError:
        logger.warning("could not remove the voice file %s", path, exc_info=True)


def audio_to_restore(session: Session, message_id: str, message_pk: int | None) -> str | None:
    """The recorded ``audio_file`` of an untranscribed message being retried whose file was removed
    when it failed: the retry's upload is stored under it again (before the generation re-queues)."""
    query = Message.objects.filter(session=session, sender=Sender.USER)
    message = (query.filter(pk=message_pk).first() if message_pk is not None else None) or query.filter(
        message__message_id=message_id
    ).first()
    content = message.message if message is not None and isinstance(message.message, dict) else {}
    stored = content.get("audio_file")
    if not isinstance(stored, str) or "text" in content:
        return None
    path = _inside(session_dir(session.user_id, session.pk) / USER_AUDIO_FOLDER, stored)
    return stored if path is not None and not path.exists() else None


def remove_failed_message_audio(message_pk: int) -> None:
    """After a turn failed: remove its user message's voice file (best effort, after commit)."""
    message = Message.objects.select_related("session").filter(pk=message_pk).first()
    if message is not None and isinstance(message.message, dict):
        remove_message_audio(message.session, message.message.get("audio_file"))


# --- images ----------------------------------------------------------------------------------------


def session_image(session: Session, filename: str) -> Path | None:
    """The session's image ``filename``, or None when the name is not a plain file name or no such
    file exists."""
    path = _inside(session_dir(session.user_id, session.pk) / IMAGES_FOLDER, filename)
    return path if path is not None and path.is_file() else None


def _looks_like_image(head: bytes, suffix: str) -> bool:
    if suffix == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if suffix == ".gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if suffix == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return False


def check_image(upload: UploadedFile) -> str:
    """The safe name of an upload that is an accepted image (suffix and content agree) of at most
    ``MAX_IMAGE_BYTES``; ``ImageRejected`` otherwise."""
    name = safe_filename(upload.name or "image")
    suffix = Path(name).suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        raise ImageRejected(f"image type not accepted (allowed: {', '.join(sorted(IMAGE_SUFFIXES))})")
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise ImageRejected(f"image too large (max {MAX_IMAGE_BYTES // (1024 * 1024)} MB)", too_large=True)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _looks_like_image(head, suffix):
        raise ImageRejected(f"the file's content is not a {suffix[1:]} image")
    return name


def store_session_image(session: Session, upload: UploadedFile) -> str:
    """Store a checked image in the session's ``images/`` folder under its own name, or
    ``<stem>_<n><suffix>`` when that name is taken (never overwrites); returns the stored name."""
    name = check_image(upload)
    folder = session_dir(session.user_id, session.pk) / IMAGES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    for attempt in range(1000):
        candidate = name if attempt == 0 else f"{stem}_{attempt}{suffix}"
        try:
            descriptor = os.open(folder / candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return candidate
    raise ImageRejected("too many images with this name in the session")
