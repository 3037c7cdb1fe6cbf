"""Daily and hourly clean-ups that `hearth purge` runs, registered by the apps that own them.

accounts sits low in the layers, so it can't import the apps above it; they add themselves here
from their AppConfig.ready() (hearth.media registers its orphaned-upload purge). Each job takes
no argument and returns how many things it removed; the key says what those things are.
"""

from collections.abc import Callable

PURGE_JOBS: dict[str, Callable[[], int]] = {}
