"""The API schema and its Swagger page: public in development (API_DOCS_PUBLIC), logged-in
staff only in production. The Swagger page is drf-spectacular's split view: its start-up
script is a second request to the same URL (`?script=`), not an inline script, so the page
runs under the site's Content-Security-Policy (script-src 'self'); the one inline `<style>`
of drf-spectacular's template is replaced by a static stylesheet."""

from django.conf import settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import BasePermission


class ApiDocsPermission(BasePermission):
    """Everyone when API_DOCS_PUBLIC, else authenticated staff (anonymous: 401 with a token
    challenge, a logged-in non-staff user: 403)."""

    def has_permission(self, request, view) -> bool:
        if settings.API_DOCS_PUBLIC:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)


class SchemaView(SpectacularAPIView):
    permission_classes = [ApiDocsPermission]


class SwaggerView(SpectacularSwaggerSplitView):
    permission_classes = [ApiDocsPermission]
    template_name = "api_docs/swagger_ui.html"
