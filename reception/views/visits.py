"""Pages: visits (see reception/urls.py)."""

urlpatterns: list = []
