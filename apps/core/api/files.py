"""Streaming a file with byte-range support (audio players seek with ``Range`` requests)."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CHUNK = 64 * 1024

KNOWN_TYPES = {".m4a": "audio/mp4", ".mp3": "audio/mpeg", ".wav": "audio/wav", ".webp": "image/webp"}


def _read(path: Path, start: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as stream:
        stream.seek(start)
        while length > 0:
            chunk = stream.read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def ranged_file_response(request: HttpRequest, path: Path) -> HttpResponseBase:
    """The file, whole (200) or the single byte range asked by ``Range`` (206; 416 when it lies
    outside the file). Several ranges in one header are answered with the whole file, as RFC 9110
    allows. Always ``Accept-Ranges: bytes``."""
    size = path.stat().st_size
    content_type = (
        KNOWN_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    match = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    response: HttpResponseBase
    if match and (match[1] or match[2]):
        if match[1]:
            start = int(match[1])
            end = min(int(match[2]), size - 1) if match[2] else size - 1
        else:
            start, end = max(0, size - int(match[2])), size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
        else:
            response = StreamingHttpResponse(_read(path, start, end - start + 1), status=206, content_type=content_type)
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115 - closed by Django
    response["Accept-Ranges"] = "bytes"
    return response
