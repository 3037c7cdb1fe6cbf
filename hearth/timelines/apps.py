from django.apps import AppConfig


class TimelinesConfig(AppConfig):
    name = "hearth.timelines"
    label = "timelines"
    verbose_name = "Timelines"

    def ready(self) -> None:
        from hearth.timelines import receivers

        receivers.connect()
