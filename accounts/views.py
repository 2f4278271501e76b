"""Pages of the accounts app."""

from django.contrib.auth import views as auth_views

from .forms import PolicyPasswordChangeForm
from .passwords import REASON_MESSAGES, password_change_reason


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, saying why when the policy sent the user here. Django keeps
    this session (update_session_auth_hash); the user's other sessions end, their session
    hash no longer matching the new password."""

    form_class = PolicyPasswordChangeForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = password_change_reason(self.request.user)
        context["password_change_reason"] = REASON_MESSAGES[reason] if reason else ""
        return context
