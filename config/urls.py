from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import PasswordChangeView, otp_verify_view
from petitions.views import search_view

from .api import api_urlpatterns
from .apidocs import SchemaView, SwaggerView


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on their own: sent to the icon the pages link (looked
    up per request, so the hashed static name is found once collectstatic has run)."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("img/favicon.svg")


# An unknown URL under /api/ is answered in the API's error shape (JSON), others by the 404 page.
handler404 = "core.rest.page_not_found"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="petitions:list", permanent=False)),
    # Browsers ask for /favicon.ico on their own: sent to the icon the pages link.
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("login/verify/", otp_verify_view, name="otp_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("search/", search_view, name="search"),
    path("petitions/", include("petitions.urls")),
    path("cases/", include("cases.urls")),
    path("escalation/", include("escalation.urls")),
    path("notifications/", include("notifications.urls")),
    path("reception/", include("reception.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("audit/", include("audit.urls")),
    # The portal's picture puzzle (django-simple-captcha), outside the portal's namespace: its
    # widget names its URLs without one.
    path("public/captcha/", include("captcha.urls")),
    path("public/", include("portal.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urlpatterns)),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="api-docs"),
]
# Uploaded files are never served by their storage path, in development neither: attachments
# and documents are reached only through their scope-checked download views.
