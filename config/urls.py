from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .api import api_urlpatterns

# An unknown URL under /api/ is answered in the API's error shape (JSON), others by the 404 page.
handler404 = "accounts.api.page_not_found"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="petitions:list", permanent=False)),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("petitions/", include("petitions.urls")),
    path("cases/", include("cases.urls")),
    path("escalation/", include("escalation.urls")),
    path("notifications/", include("notifications.urls")),
    path("reception/", include("reception.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urlpatterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
