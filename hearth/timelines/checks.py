"""System checks of the timelines app, registered by TimelinesConfig.ready().

`feed_store_redis_check` (timelines.W001): with home feeds in Redis, each feed is a sorted set
of HEARTH_FEED_LENGTH ids and a marker. Redis keeps a sorted set compact (a listpack) only up
to `zset-max-listpack-entries` members, 128 by default; above that a full feed becomes a
skiplist of about 83 KB instead of 10 KB (docs/operators/scaling.md). The check asks the server
and warns when the limit is too low. It stays silent when it can't tell: Redis is down (the
store has its own degraded mode), or CONFIG is refused, as on many managed services.
"""

from collections.abc import Sequence
from typing import Any

import redis
from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning

from hearth.timelines.feeds import feed_length
from hearth.timelines.store_redis import SOCKET_TIMEOUT

#: The setting's name since Redis 7, and the older alias (Redis 6 and earlier).
_SETTING_NAMES = ("zset-max-listpack-entries", "zset-max-ziplist-entries")


def feed_store_redis_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not settings.REDIS_URL:
        return []
    entries = zset_listpack_entries(settings.REDIS_URL)
    if entries is None or entries > feed_length():
        return []
    return [
        CheckWarning(
            f"Redis keeps sorted sets compact only up to {entries} entries "
            f"(zset-max-listpack-entries), fewer than a full home feed holds "
            f"(HEARTH_FEED_LENGTH = {feed_length()}, and a marker): full feeds will take about "
            "8 times the memory.",
            hint=(
                "Set zset-max-listpack-entries above HEARTH_FEED_LENGTH, e.g. "
                f"{max(1024, feed_length() + 1)}, in redis.conf (or CONFIG SET, then CONFIG "
                "REWRITE); see docs/operators/scaling.md."
            ),
            id="timelines.W001",
        )
    ]


def zset_listpack_entries(url: str) -> int | None:
    """The server's zset-max-listpack-entries, or None if it can't be read."""
    client = redis.Redis.from_url(
        url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT
    )
    try:
        for name in _SETTING_NAMES:
            found: dict[str, str] = client.config_get(name)  # type: ignore[assignment]  # sync client
            if name in found:
                return int(found[name])
    except (redis.exceptions.RedisError, ValueError):
        # Unreachable, or CONFIG refused (NOPERM, a renamed command): nothing to say.
        return None
    finally:
        client.close()
    return None
