from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("bell/", views.bell_view, name="bell"),
    path("read-all/", views.mark_all_read_view, name="mark_all_read"),
    path("<int:pk>/open/", views.open_view, name="open"),
]
