from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The Mastodon-compatible client API, OAuth 2 for apps, and the authorized-apps page."""

    name = "hearth.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"
