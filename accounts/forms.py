"""Forms of the accounts pages."""

from django.contrib.auth.forms import PasswordChangeForm


class PolicyPasswordChangeForm(PasswordChangeForm):
    """Django's password change (old password, new one twice; the new one checked by
    AUTH_PASSWORD_VALIDATORS, whose rules are its help text) in the pages' style."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
