import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearth.accounts.models import Account
from hearth.accounts.selectors import account_get_visible, account_list_visible
from hearth.testing.fixtures import make_user


def test_lookup_ignores_letter_case(user):
    assert account_get_visible(username="ANA", viewer=AnonymousUser()) == user.account
    assert account_get_visible(username="aNa", viewer=None) == user.account


def test_unknown_username_finds_nothing(db):
    assert account_get_visible(username="nobody", viewer=None) is None


def test_account_scheduled_for_deletion_is_hidden_from_everyone(user, other_user):
    # Given ana asked for her account to be deleted
    user.deletion_scheduled_at = timezone.now()
    user.save(update_fields=["deletion_scheduled_at"])
    # Then nobody finds her, not even herself, and lists leave her out
    assert account_get_visible(username="ana", viewer=other_user) is None
    assert account_get_visible(username="ana", viewer=user) is None
    assert list(account_list_visible(viewer=None)) == [other_user.account]


def test_deactivated_account_is_hidden(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert account_get_visible(username="ana", viewer=None) is None


def test_account_without_a_user_stays_visible(db):
    account = Account.objects.create(username="remote_person")
    assert account_get_visible(username="remote_person", viewer=None) == account


def test_visible_account_comes_with_its_user_in_one_query(user, django_assert_num_queries):
    with django_assert_num_queries(1):
        account = account_get_visible(username="ana", viewer=None)
        assert account.user.username == "ana"


@pytest.mark.postgres
def test_profile_lookup_uses_the_lower_username_index(db):
    # Given an account, and a planner told to avoid table scans wherever an index can serve
    make_user("Zoe_Q")
    with CaptureQueriesContext(connection) as captured:
        assert account_get_visible(username="zOE_q", viewer=None).username == "Zoe_Q"
    (lookup,) = (q["sql"] for q in captured.captured_queries if "accounts_account" in q["sql"])

    # When PostgreSQL plans the selector's own query
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN {lookup}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")

    # Then it can be answered from the unique index on LOWER(username), not a scan
    assert "account_username_ci_unique" in plan, plan
