from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Invented demo data (`hearth seed`): on top of every layer, as it fills all of them."""

    name = "hearth.demo"
    label = "demo"
    verbose_name = "Demo data"
