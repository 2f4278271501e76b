"""Pages: appointments (see reception/urls.py)."""

urlpatterns: list = []
