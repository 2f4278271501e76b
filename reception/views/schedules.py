"""Pages: schedules (see reception/urls.py)."""

urlpatterns: list = []
