from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "hearth.realtime"
    label = "realtime"
    verbose_name = "Realtime (streaming API)"

    def ready(self) -> None:
        from hearth.realtime import receivers  # noqa: PLC0415  # app registry must be ready

        receivers.connect()
