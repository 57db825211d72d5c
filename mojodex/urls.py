"""URL map: the original's REST routes at the root, admin, API schema, web UI."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", RedirectView.as_view(url="/app/", permanent=False), name="root"),
    path("app/", include("apps.web.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include("apps.core.api.urls")),
    path("", include("apps.chat.api.urls")),
    path("", include("apps.executions.api.urls")),
    path("", include("apps.todos.api.urls")),
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.products.api.urls")),
    path("", include("apps.catalog.api.urls")),
    path("", include("apps.workflows.api.urls")),
]

handler404 = "apps.core.api.errors.json_not_found"
handler500 = "apps.core.api.errors.json_server_error"
