"""The admin app with our admin site as `admin.site` (Django's documented way to replace the
default site: every `@admin.register` and `admin.site.urls` keep working). A module of its own:
INSTALLED_APPS imports it before the app registry is ready, so it must not import the site."""

from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.TwoFactorAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: django-otp's apps register their device admins
        from django.contrib import admin
        from django_otp import device_classes

        # Two-step devices are reset only by the security administrator, on their own page
        # (三员分立): not by the system administrator, not even a superuser, in the admin.
        for model in device_classes():
            if admin.site.is_registered(model):
                admin.site.unregister(model)
