from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "hearth.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from hearth.messaging import receivers

        receivers.connect()
