"""Pages: records (see reception/urls.py)."""

urlpatterns: list = []
