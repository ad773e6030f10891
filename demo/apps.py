from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for load tests: installed only when DJANGO_DEMO_DATA is on (see settings)."""

    name = "demo"
    verbose_name = "Demo data"
