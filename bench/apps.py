from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks (`make bench`): above every domain app, imported by none."""

    name = "bench"
    verbose_name = "Benchmarks"
