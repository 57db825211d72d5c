"""Voice messages: stored by the web process, transcribed by the worker with the user's vocabulary."""

from __future__ import annotations

from apps.accounts.models import UserVocabulary
from apps.chat.models import Message
from apps.core.user_files import session_dir
from apps.llm import services as llm


def transcribe_message(message: Message) -> str:
    """Transcribe a stored voice message into its ``text`` (once; the file stays for GET /voice)."""
    content = dict(message.message or {})
    if content.get("text"):
        return str(content["text"])
    session = message.session
    path = session_dir(session.user_id, session.pk) / "user_messages_audios" / content["audio_file"]
    vocabulary = list(UserVocabulary.objects.filter(user_id=session.user_id).values_list("word", flat=True))
    text = llm.transcribe(str(path), vocabulary=vocabulary, user_id=session.user_id)
    content["text"] = text
    Message.objects.filter(pk=message.pk).update(message=content)
    message.message = content
    return text
