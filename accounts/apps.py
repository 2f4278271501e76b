from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation and users")

    def ready(self) -> None:
        from . import signals  # noqa: F401

        _show_roles_by_their_labels()


def _show_roles_by_their_labels() -> None:
    """A role is an auth group whose name is the role's code name (`Role`, used by the code
    and the data migration); wherever a group is shown (the admin's lists, filters and the
    user form's role picker) it reads as the role's translated label instead."""
    from django.contrib.auth.models import Group

    from .roles import Role

    def group_label(group: Group) -> str:
        try:
            return str(Role(group.name).label)
        except ValueError:
            return group.name

    Group.__str__ = group_label  # type: ignore[method-assign,assignment]
