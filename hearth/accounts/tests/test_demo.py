"""The demo-member generator behind `hearth seed`."""

import pytest
from allauth.account.models import EmailAddress
from PIL import Image

from hearth.accounts.demo import seed_users
from hearth.accounts.models import Account, User
from hearth.accounts.validators import USERNAME_VALIDATORS

PASSWORD = "demo-passphrase-for-tests"


def seed(count=25, **options):
    # The members only; the command and the network around them are tested in hearth/demo.
    seed_users(count=count, password=PASSWORD, **options)


def people():
    """What a visitor would see of every member, in a stable order."""
    return [
        (a.username, a.display_name, a.bio, a.links, a.locked, a.discoverable)
        for a in Account.objects.order_by("username")
    ]


@pytest.mark.django_db
def test_seed_creates_members_each_with_an_account_and_a_400px_avatar():
    # when
    seed(25)

    # then
    users = list(User.objects.select_related("account"))
    assert len(users) == 25
    for user in users:
        assert user.account.username == user.username
        assert user.account.display_name
        with user.account.avatar.open("rb") as file, Image.open(file) as image:
            assert image.size == (400, 400)


@pytest.mark.django_db
def test_seed_usernames_are_distinct_and_valid():
    # when
    seed(25)

    # then
    usernames = [name.lower() for name in User.objects.values_list("username", flat=True)]
    assert len(set(usernames)) == 25
    for name in usernames:
        for validate in USERNAME_VALIDATORS:
            validate(name)  # raises ValidationError if invalid


@pytest.mark.django_db
def test_seed_confirms_every_email_address():
    # when
    seed(10)

    # then
    addresses = EmailAddress.objects.all()
    assert addresses.count() == 10
    assert all(address.verified and address.primary for address in addresses)
    assert {a.email for a in addresses} == set(User.objects.values_list("email", flat=True))


@pytest.mark.django_db
def test_seed_members_can_log_in(client):
    # given
    seed(3)

    # then
    for user in User.objects.all():
        assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.django_db
def test_seed_makes_varied_profiles():
    # when
    seed(60, seed=1)

    # then: some have links, some approve followers, names are not all alike
    accounts = Account.objects.all()
    assert any(account.links for account in accounts)
    assert any(not account.links for account in accounts)
    assert any(account.locked for account in accounts)
    assert any(not account.locked for account in accounts)
    assert len({account.display_name for account in accounts}) > 50
    assert all(len(account.links) <= 4 for account in accounts)
    assert all("\n" not in account.bio and "{" not in account.bio for account in accounts)
    assert all(link["url"].startswith("https://") for a in accounts for link in a.links)


@pytest.mark.django_db
def test_seed_is_repeatable_with_the_same_seed():
    # given
    seed(25, seed=42)
    first = people()
    User.objects.all().delete()
    Account.objects.all().delete()

    # when
    seed(25, seed=42)

    # then
    assert people() == first


@pytest.mark.django_db
def test_seed_different_seeds_give_different_people():
    seed(10, seed=1)
    first = people()
    User.objects.all().delete()
    Account.objects.all().delete()

    seed(10, seed=2)

    assert people() != first


@pytest.mark.django_db
def test_seed_run_again_adds_more_without_collisions():
    # given: the same seed, so the second run wants exactly the same usernames
    seed(25, seed=7)

    # when
    seed(25, seed=7)

    # then
    usernames = [name.lower() for name in User.objects.values_list("username", flat=True)]
    assert len(usernames) == 50
    assert len(set(usernames)) == 50
    assert Account.objects.count() == 50
    assert EmailAddress.objects.count() == 50


@pytest.mark.django_db
def test_seed_steers_clear_of_existing_members(user):
    # given: "ana" exists; ask for many members so common shapes like "ana" come up
    seed_users(count=150, password=PASSWORD, seed=3)

    # then
    assert User.objects.filter(username__iexact="ana").count() == 1
    assert User.objects.count() == 151


@pytest.mark.django_db
def test_seed_users_reports_progress_and_returns_the_members():
    # given
    ticks = []

    # when
    users = seed_users(count=12, password=PASSWORD, progress=ticks.append, seed=5)

    # then
    assert sum(ticks) == 12
    assert sorted(u.pk for u in users) == sorted(User.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_seed_users_queries_in_bulk(django_assert_max_num_queries):
    # then: a handful of queries for the whole batch, not several per member
    with django_assert_max_num_queries(20):
        seed_users(count=100, password=PASSWORD, seed=9)
