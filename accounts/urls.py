from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("security/", views.security_view, name="security"),
    path("two-factor/enrol/", views.otp_enrol_view, name="otp_enrol"),
    path("two-factor/backup-codes/", views.otp_backup_codes_view, name="otp_backup_codes"),
    path("two-factor/disable/", views.otp_disable_view, name="otp_disable"),
    path("two-factor/users/", views.otp_users_view, name="otp_users"),
    path("two-factor/users/<int:pk>/reset/", views.otp_reset_view, name="otp_reset"),
]
