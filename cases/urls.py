from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("queue/", views.queue_view, name="queue"),
    path("approvals/", views.approvals_view, name="approvals"),
    path("approvals/<int:pk>/decide/", views.approval_decide_view, name="approval_decide"),
    path(
        "assignments/<int:pk>/<slug:action>/",
        views.assignment_action_view,
        name="assignment_action",
    ),
    path("<str:number>/", views.case_detail_view, name="detail"),
    path("<str:number>/documents/<int:pk>/", views.document_download_view, name="document"),
    path("<str:number>/replies/<int:pk>/print/", views.reply_print, name="reply_print"),
    path("<str:number>/replies/<int:pk>/docx/", views.reply_docx, name="reply_docx"),
    path("<str:number>/notices/<int:pk>/docx/", views.notice_docx, name="notice_docx"),
    path(
        "<str:number>/notices/<int:pk>/deliver/",
        views.notice_deliver_view,
        name="notice_deliver",
    ),
    path("<str:number>/<slug:action>/", views.case_action_view, name="action"),
]
