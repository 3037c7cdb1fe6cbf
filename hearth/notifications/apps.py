from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hearth.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from hearth.notifications import receivers

        receivers.connect()
