from django.urls import path

from apps.chat.api.views import UserMessageView

urlpatterns = [
    path("user_message", UserMessageView.as_view(), name="user-message"),
]
