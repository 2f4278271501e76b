from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares and no domain owns: errors, HTTP and page helpers, form widgets,
    the official-document layout, the work calendar's rules, encryption, uploads and identity
    checks. It imports no app of ours."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
