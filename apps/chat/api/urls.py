from django.urls import path

from apps.chat.api.file_views import ImageView, VoiceView
from apps.chat.api.history_views import MessageView, SessionView
from apps.chat.api.views import UserMessageView

urlpatterns = [
    path("session", SessionView.as_view(), name="session"),
    path("message", MessageView.as_view(), name="message"),
    path("user_message", UserMessageView.as_view(), name="user-message"),
    path("voice", VoiceView.as_view(), name="voice"),
    path("image", ImageView.as_view(), name="image"),
]
