from tests.notifications.urls_menu import without_menu as urlpatterns  # noqa: F401
