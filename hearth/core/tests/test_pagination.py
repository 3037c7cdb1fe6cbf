import pytest
from django.contrib.auth.models import Group

from hearth.core.pagination import paginate

# Any table with integer ids will do; core imports no Hearth app, so its tests use auth's Group.


@pytest.fixture
def ids(db):
    """Fifty rows; their ids, newest (highest) first."""
    Group.objects.bulk_create(Group(name=f"g{n}") for n in range(50))
    return list(Group.objects.order_by("-id").values_list("id", flat=True))


def page_ids(page):
    return [item.pk for item in page.items]


def test_first_page_is_the_newest_twenty(ids):
    page = paginate(Group.objects.all())
    assert page_ids(page) == ids[:20]
    assert page.next_max_id == ids[19]
    assert page.prev_min_id == ids[0]


def test_max_id_pages_down_to_the_end(ids):
    # Given the cursor of the first page
    first = paginate(Group.objects.all(), limit=20)
    # When following next_max_id
    second = paginate(Group.objects.all(), max_id=first.next_max_id, limit=20)
    third = paginate(Group.objects.all(), max_id=second.next_max_id, limit=20)
    # Then every row comes once, and the last, short page says there is nothing older
    assert page_ids(first) + page_ids(second) + page_ids(third) == ids
    assert third.next_max_id is None


def test_since_id_gives_the_newest_above_it(ids):
    page = paginate(Group.objects.all(), since_id=ids[30], limit=5)
    assert page_ids(page) == ids[:5]


def test_min_id_gives_the_ones_immediately_above_it_newest_first(ids):
    page = paginate(Group.objects.all(), min_id=ids[30], limit=5)
    assert page_ids(page) == ids[25:30]


def test_min_id_wins_over_since_id_and_combines_with_max_id(ids):
    page = paginate(Group.objects.all(), min_id=ids[30], since_id=ids[40], max_id=ids[27])
    assert page_ids(page) == ids[28:30]


@pytest.mark.parametrize(("limit", "size"), [(0, 1), (-5, 1), (100, 40), ("7", 7), ("x", 20)])
def test_limit_is_clamped(ids, limit, size):
    assert len(paginate(Group.objects.all(), limit=limit).items) == size


@pytest.mark.parametrize("bad", ["abc", "", "1.5", str(2**64), "-3", "9" * 40])
def test_bad_ids_are_ignored(ids, bad):
    page = paginate(Group.objects.all(), max_id=bad, min_id=bad, since_id=bad)
    assert page_ids(page) == ids[:20]


def test_empty_page_has_no_cursors(db):
    page = paginate(Group.objects.filter(name="no such group"))
    assert page.items == []
    assert page.next_max_id is None
    assert page.prev_min_id is None
