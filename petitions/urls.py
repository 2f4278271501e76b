from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list_view, name="list"),
    path("new/", views.petition_intake_view, name="intake"),
    path("new/repeat-panel/", views.repeat_panel_view, name="repeat-panel"),
    path("new/id-info/", views.id_info_view, name="id-info"),
    path("people/<int:pk>/", views.petitioner_view, name="petitioner"),
    path("<str:number>/", views.petition_detail_view, name="detail"),
    path("<str:number>/receipt/", views.petition_receipt_view, name="receipt"),
    path(
        "<str:number>/attachments/<int:pk>/",
        views.attachment_download_view,
        name="attachment",
    ),
]
