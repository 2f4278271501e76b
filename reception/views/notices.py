"""Pages: notices (see reception/urls.py)."""

urlpatterns: list = []
