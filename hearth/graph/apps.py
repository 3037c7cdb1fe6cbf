from django.apps import AppConfig


class GraphConfig(AppConfig):
    name = "hearth.graph"
    label = "graph"
    verbose_name = "Relationships"

    def ready(self) -> None:
        from hearth.accounts.deletion import ACCOUNT_ERASERS
        from hearth.graph.services import account_relationships_erase

        # Erasing an account cascades its follows away, but the counters on the accounts at
        # the other end would be left counting them: settle those first.
        if account_relationships_erase not in ACCOUNT_ERASERS:
            ACCOUNT_ERASERS.append(account_relationships_erase)
