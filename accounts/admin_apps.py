"""The admin app with our admin site as `admin.site` (Django's documented way to replace the
default site: every `@admin.register` and `admin.site.urls` keep working). A module of its own:
INSTALLED_APPS imports it before the app registry is ready, so it must not import the site."""

from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.TwoFactorAdminSite"
