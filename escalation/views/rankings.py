"""Pages: rankings (see escalation/urls.py)."""

urlpatterns: list = []
