from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def seed_demo(self, out) -> None:
        """Called by `manage.py seed_demo` last: the demo's figures, rolled up."""
        from .services import rollup_rebuild

        result = rollup_rebuild()
        out.write(f"dashboards: rollup rebuilt over {result.days} days")
