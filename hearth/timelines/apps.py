from django.apps import AppConfig
from django.core import checks


class TimelinesConfig(AppConfig):
    name = "hearth.timelines"
    label = "timelines"
    verbose_name = "Timelines"

    def ready(self) -> None:
        from hearth.timelines import receivers
        from hearth.timelines.checks import feed_store_redis_check

        receivers.connect()
        checks.register(feed_store_redis_check, "timelines")
