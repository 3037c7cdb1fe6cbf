import threading
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from hearth.core.ids import id_to_datetime, lowest_id_at, new_id


def test_ids_strictly_increase_within_one_thread():
    # Given many ids minted back to back (thousands land in the same millisecond)
    ids = [new_id() for _ in range(100_000)]

    # Then each is larger than the one before
    assert all(a < b for a, b in zip(ids, ids[1:], strict=False))


def test_ids_are_unique_across_threads():
    minted: list[int] = []

    def mint() -> None:
        minted.extend(new_id() for _ in range(10_000))

    threads = [threading.Thread(target=mint) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(set(minted)) == 80_000


def test_ids_fit_a_signed_64_bit_column_and_carry_their_time():
    value = new_id()
    assert 0 < value < 2**63
    assert abs((id_to_datetime(value) - datetime.now(UTC)).total_seconds()) < 5


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001  # hypothesis wants naive bounds
        max_value=datetime(2200, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    )
)
def test_ids_minted_for_an_instant_sort_after_its_lower_bound(at):
    assert lowest_id_at(at) <= new_id(at) < lowest_id_at(at) + 2**16
    assert id_to_datetime(new_id(at)) == at.replace(microsecond=at.microsecond // 1000 * 1000)
