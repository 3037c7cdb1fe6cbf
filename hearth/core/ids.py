"""Time-ordered 64-bit public ids.

An id is the millisecond Unix timestamp shifted left by 16 bits, plus 16 low bits that make ids
minted in the same millisecond distinct: a random start per millisecond, then a counter. So ids sort
by creation time, "newer than X" is an index range scan, and any id can be turned back into a time
(Mastodon uses the same layout, so clients' assumptions hold). Ids fit in a signed 64-bit column
until the year 10889.
"""

import random
import threading
import time
from datetime import UTC, datetime

_SEQUENCE_BITS = 16
_SEQUENCE_MASK = (1 << _SEQUENCE_BITS) - 1

_lock = threading.Lock()
_last_ms = 0
_sequence = 0


def new_id(at: datetime | None = None) -> int:
    """A fresh id for now, or for the instant `at` (used when importing or backfilling)."""
    global _last_ms, _sequence
    if at is not None:
        return (int(at.timestamp() * 1000) << _SEQUENCE_BITS) | random.getrandbits(_SEQUENCE_BITS)
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            _sequence = random.getrandbits(_SEQUENCE_BITS - 1)  # room to count up
        else:
            # Same millisecond (or the clock stepped back): count up, borrowing the next
            # millisecond when the 16 bits run out, so ids stay unique and increasing.
            _sequence += 1
            if _sequence > _SEQUENCE_MASK:
                _last_ms += 1
                _sequence = 0
        return (_last_ms << _SEQUENCE_BITS) | _sequence


def id_to_datetime(value: int) -> datetime:
    return datetime.fromtimestamp((value >> _SEQUENCE_BITS) / 1000, tz=UTC)


def lowest_id_at(at: datetime) -> int:
    """The smallest id that could have been minted at `at`: a bound for time range queries."""
    return int(at.timestamp() * 1000) << _SEQUENCE_BITS
