from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The Mastodon-compatible client API, OAuth 2 for apps, and the authorized-apps page."""

    name = "hearth.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hearth.accounts.housekeeping import PURGE_JOBS
        from hearth.api.idempotency import idempotency_keys_purge

        # Keys only matter for an hour; `hearth purge` deletes the older ones.
        PURGE_JOBS.setdefault(
            "Idempotency-Key record(s) older than an hour", idempotency_keys_purge
        )
