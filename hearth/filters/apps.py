from django.apps import AppConfig


class FiltersConfig(AppConfig):
    name = "hearth.filters"
    label = "filters"
    verbose_name = "Filters"
