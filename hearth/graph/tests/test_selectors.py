import pytest
from django.utils import timezone

from hearth.graph import selectors, services
from hearth.graph.selectors import NO_RELATIONSHIP, Relationship
from hearth.graph.tests.factories import make_account


@pytest.fixture
def ana(db):
    return make_account("ana")


@pytest.fixture
def bruno(db):
    return make_account("bruno")


@pytest.fixture
def carla(db):
    return make_account("carla", locked=True)


@pytest.fixture
def dora(db):
    return make_account("dora")


def names(accounts):
    return [account.username for account in accounts]


# --- relationships ---------------------------------------------------------------------------


def test_relationships_from_the_viewers_side(ana, bruno, carla, dora):
    # Given ana and bruno are friends (without his reposts in her feed), ana asked to follow
    # carla, dora blocks ana, and ana mutes bruno's reposts
    services.follow(actor=ana, target=bruno, show_reposts=False)
    services.follow(actor=bruno, target=ana)
    services.follow(actor=ana, target=carla)
    services.block(actor=dora, target=ana)
    services.mute(actor=ana, target=bruno, reposts_only=True)
    # When ana looks at the three of them
    found = selectors.relationships(viewer=ana, targets=[bruno, carla, dora])
    # Then each relationship is seen from her side, keyed by account id
    assert found[bruno.pk] == Relationship(
        following=True,
        followed_by=True,
        muting=False,
        muting_reposts_only=True,
        muting_notifications=False,
        showing_reposts=False,
    )
    assert found[bruno.pk].friends is True
    assert found[bruno.pk].badge == "Friends"
    assert found[carla.pk] == Relationship(requested=True)
    assert found[carla.pk].badge == "Requested"
    assert found[dora.pk] == Relationship(blocked_by=True)
    assert found[dora.pk].friends is False


def test_relationships_from_the_other_side(ana, bruno, carla):
    # Given ana follows bruno and asked to follow carla, and carla blocks bruno
    services.follow(actor=ana, target=bruno)
    services.follow(actor=ana, target=carla)
    services.block(actor=carla, target=bruno)
    # When bruno and carla each look at ana
    to_bruno = selectors.relationships(viewer=bruno, targets=[ana.pk])[ana.pk]
    to_carla = selectors.relationships(viewer=carla, targets=[ana.pk, bruno.pk])
    # Then they see her follow and her request, and carla sees her block of bruno
    assert to_bruno == Relationship(followed_by=True)
    assert to_bruno.badge == "Follows you"
    assert to_carla[ana.pk] == Relationship(requested_by=True)
    assert to_carla[ana.pk].badge == "Wants to follow you"
    assert to_carla[bruno.pk] == Relationship(blocking=True)
    assert to_carla[bruno.pk].badge == "Blocked"


def test_a_mute_is_invisible_to_the_one_muted(ana, bruno):
    # Given bruno mutes ana
    services.mute(actor=bruno, target=ana)
    # Then ana's view of bruno shows nothing, while bruno sees his mute
    assert selectors.relationships(viewer=ana, targets=[bruno])[bruno.pk] == NO_RELATIONSHIP
    mine = selectors.relationships(viewer=bruno, targets=[ana])[ana.pk]
    assert (mine.muting, mine.muting_notifications) == (True, True)


def test_no_viewer_or_no_targets_needs_no_query(ana, bruno, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.relationships(viewer=None, targets=[ana, bruno]) == {
            ana.pk: NO_RELATIONSHIP,
            bruno.pk: NO_RELATIONSHIP,
        }
        assert selectors.relationships(viewer=ana, targets=[]) == {}


@pytest.mark.parametrize("how_many", [3, 30])
def test_relationships_take_one_query_however_many_targets(
    ana, how_many, django_assert_num_queries
):
    # Given a page of accounts ana follows, is followed by, or blocks and mutes, in turn
    others = [make_account() for _ in range(how_many)]
    for index, other in enumerate(others):
        if index % 3 == 0:
            services.follow(actor=ana, target=other)
        elif index % 3 == 1:
            services.follow(actor=other, target=ana)
        else:
            services.block(actor=ana, target=other)
            services.mute(actor=ana, target=other)
    # When she looks at the whole page, then it takes a single query
    with django_assert_num_queries(1):
        found = selectors.relationships(viewer=ana, targets=others)
    assert len(found) == how_many
    for index, other in enumerate(others):
        expected = [
            Relationship(following=True, showing_reposts=True),
            Relationship(followed_by=True),
            Relationship(blocking=True, muting=True, muting_notifications=True),
        ][index % 3]
        assert found[other.pk] == expected


# --- filters for feeds -----------------------------------------------------------------------


def test_is_blocked_between_looks_both_ways_in_one_query(
    ana, bruno, dora, django_assert_num_queries
):
    services.block(actor=bruno, target=ana)
    with django_assert_num_queries(1):
        assert selectors.is_blocked_between(a_id=ana.pk, b_id=bruno.pk) is True
    assert selectors.is_blocked_between(a_id=bruno.pk, b_id=ana.pk) is True
    assert selectors.is_blocked_between(a_id=ana.pk, b_id=dora.pk) is False


def test_blocked_account_ids_include_both_directions(ana, bruno, carla, dora):
    # Given ana blocks bruno and carla blocks ana
    services.block(actor=ana, target=bruno)
    services.block(actor=carla, target=ana)
    services.block(actor=dora, target=bruno)  # not ana's business
    # Then both are hidden from ana, and ana from each of them
    assert selectors.blocked_account_ids(viewer=ana) == {bruno.pk, carla.pk}
    assert selectors.blocked_account_ids(viewer=carla) == {ana.pk}
    assert selectors.blocked_account_ids(viewer=None) == set()


def test_mute_filters(ana, bruno, carla, dora, django_assert_num_queries):
    # Given ana fully mutes bruno (quietly), mutes carla's reposts, and follows dora without
    # her reposts
    services.mute(actor=ana, target=bruno, hide_notifications=False)
    services.mute(actor=ana, target=carla, reposts_only=True)
    services.follow(actor=ana, target=dora, show_reposts=False)
    services.mute(actor=bruno, target=ana)  # bruno's mutes don't concern ana
    # Then each filter lists the right accounts, in one query each
    with django_assert_num_queries(3):
        muted = selectors.muted_account_ids(viewer=ana)
        reposts_hidden = selectors.reposts_hidden_account_ids(viewer=ana)
        silenced = selectors.notifications_muted_account_ids(viewer=ana)
    assert muted == {bruno.pk}
    assert reposts_hidden == {carla.pk, dora.pk}
    assert silenced == set()
    assert selectors.notifications_muted_account_ids(viewer=bruno) == {ana.pk}


# --- lists ------------------------------------------------------------------------------------


def test_followers_and_following_newest_first(ana, bruno, carla, dora):
    # Given bruno, then dora, follow ana; ana follows dora, then bruno
    services.follow(actor=bruno, target=ana)
    services.follow(actor=dora, target=ana)
    services.follow(actor=ana, target=dora)
    services.follow(actor=ana, target=bruno)
    # Then the lists put the most recent follow first
    assert names(selectors.followers_of(account=ana, viewer=None)) == ["dora", "bruno"]
    assert names(selectors.following_of(account=ana, viewer=carla)) == ["bruno", "dora"]


def test_a_page_of_followers_is_one_query(ana, bruno, dora, django_assert_num_queries):
    for other in (bruno, dora, make_account(), make_account()):
        services.follow(actor=other, target=ana)
    with django_assert_num_queries(1):
        page = list(selectors.followers_of(account=ana, viewer=bruno)[:20])
    assert len(page) == 4


def test_lists_leave_out_accounts_blocked_with_the_viewer(ana, bruno, carla, dora):
    # Given bruno and dora follow ana, and carla blocks dora
    services.follow(actor=bruno, target=ana)
    services.follow(actor=dora, target=ana)
    services.block(actor=carla, target=dora)
    # Then carla doesn't see dora among ana's followers; dora, blocked by carla only, sees all
    assert names(selectors.followers_of(account=ana, viewer=carla)) == ["bruno"]
    assert names(selectors.followers_of(account=ana, viewer=dora)) == ["dora", "bruno"]


def test_lists_are_empty_across_a_block_with_the_owner(ana, bruno, dora):
    # Given ana and bruno are friends, and ana blocks dora
    services.follow(actor=bruno, target=ana)
    services.follow(actor=ana, target=bruno)
    services.block(actor=ana, target=dora)
    # Then dora, whom ana blocks, sees neither of ana's lists
    assert list(selectors.followers_of(account=ana, viewer=dora)) == []
    assert list(selectors.following_of(account=ana, viewer=dora)) == []
    assert list(selectors.friends_of(account=ana, viewer=dora)) == []
    # And the owner still sees her own lists
    assert names(selectors.followers_of(account=ana, viewer=ana)) == ["bruno"]


def test_lists_leave_out_accounts_being_deleted(ana, bruno, dora):
    services.follow(actor=bruno, target=ana)
    services.follow(actor=dora, target=ana)
    dora.user.deletion_scheduled_at = timezone.now()
    dora.user.save(update_fields=["deletion_scheduled_at"])
    assert names(selectors.followers_of(account=ana, viewer=None)) == ["bruno"]


def test_hidden_lists_are_shown_only_to_their_owner(ana, bruno):
    # Given ana follows bruno and chose to hide her lists (the Account field is still to come;
    # the selectors already honour it)
    services.follow(actor=ana, target=bruno)
    ana.hide_network = True
    # Then others see empty lists, and she sees hers
    assert selectors.network_visible_to(account=ana, viewer=bruno) is False
    assert selectors.network_visible_to(account=ana, viewer=None) is False
    assert list(selectors.following_of(account=ana, viewer=bruno)) == []
    assert list(selectors.friends_of(account=ana, viewer=None)) == []
    assert names(selectors.following_of(account=ana, viewer=ana)) == ["bruno"]


def test_friends_are_mutual_follows_newest_friendship_first(ana, bruno, carla, dora):
    # Given ana and dora follow each other, then ana and bruno do; ana only follows carla;
    # a later follow of ana by a stranger isn't friendship
    services.follow(actor=ana, target=dora)
    services.follow(actor=dora, target=ana)
    services.follow(actor=bruno, target=ana)
    services.follow(actor=ana, target=bruno)
    services.follow(actor=ana, target=carla)
    services.follow_request_accept(actor=carla, requester=ana)
    services.follow(actor=make_account(), target=ana)
    # Then ana's friends are bruno (newest) and dora, seen the same way from both sides
    assert names(selectors.friends_of(account=ana, viewer=None)) == ["bruno", "dora"]
    assert names(selectors.friends_of(account=dora, viewer=None)) == ["ana"]
    assert names(selectors.friends_of(account=carla, viewer=None)) == []


def test_follow_requests_for_newest_first(ana, bruno, carla, dora):
    services.follow(actor=ana, target=carla)
    services.follow(actor=dora, target=carla)
    services.follow(actor=bruno, target=carla)
    services.follow_request_reject(actor=carla, requester=bruno)
    requests = list(selectors.follow_requests_for(account=carla))
    assert [request.follower.username for request in requests] == ["dora", "ana"]
    assert list(selectors.follow_requests_for(account=ana)) == []


def test_blocks_and_mutes_of_an_account(ana, bruno, dora):
    services.block(actor=ana, target=bruno)
    services.block(actor=ana, target=dora)
    services.mute(actor=ana, target=bruno, reposts_only=True)
    assert names(selectors.blocks_of(account=ana)) == ["dora", "bruno"]
    [mute] = selectors.mutes_of(account=ana)
    assert (mute.target.username, mute.reposts_only) == ("bruno", True)
