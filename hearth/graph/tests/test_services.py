import threading

import pytest
from django.db import connection, transaction

from hearth.accounts.deletion import account_erase
from hearth.accounts.models import Account
from hearth.graph import services
from hearth.graph.errors import (
    BlockedError,
    FollowRequestNotFoundError,
    RelationshipError,
    SelfRelationshipError,
)
from hearth.graph.models import Block, Follow, FollowRequest, Mute
from hearth.graph.tests.factories import counts, make_account


@pytest.fixture
def ana(db):
    return make_account("ana")


@pytest.fixture
def bruno(db):
    return make_account("bruno")


@pytest.fixture
def carla(db):
    return make_account("carla", locked=True)


def follows(follower, target):
    return Follow.objects.filter(follower=follower, target=target).exists()


def requests(follower, target):
    return FollowRequest.objects.filter(follower=follower, target=target).exists()


# --- follow / unfollow ---------------------------------------------------------------------


def test_follow_an_open_account(ana, bruno):
    # When ana follows bruno, who approves nobody
    result = services.follow(actor=ana, target=bruno)
    # Then she follows him at once, and both counters say so
    assert result == "following"
    assert follows(ana, bruno)
    assert counts(ana) == (0, 1)
    assert counts(bruno) == (1, 0)


def test_following_twice_counts_once_and_updates_show_reposts(ana, bruno):
    # Given ana follows bruno
    services.follow(actor=ana, target=bruno)
    # When she follows him again, without his reposts
    result = services.follow(actor=ana, target=bruno, show_reposts=False)
    # Then nothing is counted twice, and the option changed
    assert result == "following"
    assert Follow.objects.get(follower=ana, target=bruno).show_reposts is False
    assert counts(ana) == (0, 1)
    assert counts(bruno) == (1, 0)


def test_following_oneself_is_refused(ana):
    with pytest.raises(SelfRelationshipError) as error:
        services.follow(actor=ana, target=ana)
    assert error.value.message == "You can’t follow yourself."
    assert not Follow.objects.exists()
    assert counts(ana) == (0, 0)


def test_following_a_locked_account_makes_a_request(ana, carla):
    # When ana follows carla, who approves her followers
    result = services.follow(actor=ana, target=carla)
    # Then a request waits for carla, and nobody's counters move
    assert result == "requested"
    assert requests(ana, carla)
    assert not follows(ana, carla)
    assert counts(ana) == (0, 0)
    assert counts(carla) == (0, 0)


def test_asking_twice_keeps_one_request(ana, carla):
    services.follow(actor=ana, target=carla)
    assert services.follow(actor=ana, target=carla, show_reposts=False) == "requested"
    request = FollowRequest.objects.get()
    assert request.show_reposts is False


def test_following_someone_you_block_is_refused(ana, bruno):
    # Given ana blocks bruno
    services.block(actor=ana, target=bruno)
    # When she tries to follow him, then she is told to unblock first
    with pytest.raises(BlockedError) as error:
        services.follow(actor=ana, target=bruno)
    assert error.value.message == "You’ve blocked @bruno. Unblock them first."
    assert not follows(ana, bruno)
    assert counts(bruno) == (0, 0)


def test_following_someone_who_blocks_you_is_refused(ana, bruno, carla):
    # Given bruno blocks ana, and carla (locked) blocks ana too
    services.block(actor=bruno, target=ana)
    services.block(actor=carla, target=ana)
    # When ana tries to follow either of them, then it is refused and nothing is stored
    for target in (bruno, carla):
        with pytest.raises(BlockedError) as error:
            services.follow(actor=ana, target=target)
        assert error.value.message == f"You can’t follow @{target.username}."
    assert not Follow.objects.exists()
    assert not FollowRequest.objects.exists()


def test_domain_errors_share_one_base_class():
    assert issubclass(BlockedError, RelationshipError)
    assert issubclass(SelfRelationshipError, RelationshipError)
    assert issubclass(FollowRequestNotFoundError, RelationshipError)


def test_unfollow(ana, bruno):
    # Given ana follows bruno
    services.follow(actor=ana, target=bruno)
    # When she unfollows him
    services.unfollow(actor=ana, target=bruno)
    # Then the follow is gone and the counters are back to zero
    assert not follows(ana, bruno)
    assert counts(ana) == (0, 0)
    assert counts(bruno) == (0, 0)


def test_unfollowing_someone_not_followed_changes_nothing(ana, bruno):
    # Given bruno follows ana, and ana doesn't follow bruno
    services.follow(actor=bruno, target=ana)
    # When ana unfollows bruno
    services.unfollow(actor=ana, target=bruno)
    # Then bruno's follow of ana stands, and no counter went below zero
    assert follows(bruno, ana)
    assert counts(ana) == (1, 0)
    assert counts(bruno) == (0, 1)


def test_unfollow_withdraws_a_pending_request(ana, carla):
    services.follow(actor=ana, target=carla)
    services.unfollow(actor=ana, target=carla)
    assert not requests(ana, carla)


# --- follow requests ---------------------------------------------------------------------------


def test_accepting_a_request_makes_a_follow(ana, carla):
    # Given ana asked to follow carla
    services.follow(actor=ana, target=carla, show_reposts=False)
    # When carla accepts
    services.follow_request_accept(actor=carla, requester=ana)
    # Then ana follows carla with the options she asked for, the request is gone, and counted
    assert not requests(ana, carla)
    assert Follow.objects.get(follower=ana, target=carla).show_reposts is False
    assert counts(ana) == (0, 1)
    assert counts(carla) == (1, 0)


def test_only_the_account_asked_can_accept(ana, bruno, carla):
    # Given ana asked to follow carla
    services.follow(actor=ana, target=carla)
    # When bruno, or ana herself, tries to accept it
    for actor in (bruno, ana):
        with pytest.raises(FollowRequestNotFoundError) as error:
            services.follow_request_accept(actor=actor, requester=ana)
        assert error.value.message == "There’s no pending follow request from @ana."
    # Then the request still waits for carla, and nobody follows anyone
    assert requests(ana, carla)
    assert not Follow.objects.exists()
    assert counts(carla) == (0, 0)


def test_rejecting_a_request(ana, carla):
    # Given ana asked to follow carla
    services.follow(actor=ana, target=carla)
    # When carla rejects it
    services.follow_request_reject(actor=carla, requester=ana)
    # Then there is no request and no follow, and ana may ask again
    assert not requests(ana, carla)
    assert not follows(ana, carla)
    assert counts(carla) == (0, 0)
    assert services.follow(actor=ana, target=carla) == "requested"


def test_rejecting_twice_or_by_someone_else_is_refused(ana, bruno, carla):
    services.follow(actor=ana, target=carla)
    with pytest.raises(FollowRequestNotFoundError):
        services.follow_request_reject(actor=bruno, requester=ana)
    assert requests(ana, carla)
    services.follow_request_reject(actor=carla, requester=ana)
    with pytest.raises(FollowRequestNotFoundError):
        services.follow_request_reject(actor=carla, requester=ana)


def test_accept_all_pending_requests(ana, bruno, carla):
    # Given ana and bruno asked to follow carla
    services.follow(actor=ana, target=carla)
    services.follow(actor=bruno, target=carla)
    # When carla accepts everyone (as when she unlocks her account)
    accepted = services.follow_requests_accept_all(actor=carla)
    # Then both follow her
    assert accepted == 2
    assert follows(ana, carla)
    assert follows(bruno, carla)
    assert not FollowRequest.objects.exists()
    assert counts(carla) == (2, 0)


# --- followers --------------------------------------------------------------------------------


def test_removing_a_follower(ana, bruno):
    # Given bruno follows ana, and ana follows bruno
    services.follow(actor=bruno, target=ana)
    services.follow(actor=ana, target=bruno)
    # When ana removes bruno from her followers
    services.follower_remove(actor=ana, follower=bruno)
    # Then bruno no longer follows her, and her own follow of him stands
    assert not follows(bruno, ana)
    assert follows(ana, bruno)
    assert counts(ana) == (0, 1)
    assert counts(bruno) == (1, 0)


def test_removing_someone_who_doesnt_follow_changes_nothing(ana, bruno):
    services.follow(actor=ana, target=bruno)
    services.follower_remove(actor=ana, follower=bruno)
    assert follows(ana, bruno)
    assert counts(bruno) == (1, 0)


# --- blocks ------------------------------------------------------------------------------------


def test_block_ends_follows_both_ways(ana, bruno, carla):
    # Given ana and bruno follow each other, and carla follows bruno
    services.follow(actor=ana, target=bruno)
    services.follow(actor=bruno, target=ana)
    services.follow(actor=carla, target=bruno)
    # When ana blocks bruno
    services.block(actor=ana, target=bruno)
    # Then neither follows the other, the counters agree, and carla's follow is untouched
    assert Block.objects.filter(account=ana, target=bruno).exists()
    assert not follows(ana, bruno)
    assert not follows(bruno, ana)
    assert follows(carla, bruno)
    assert counts(ana) == (0, 0)
    assert counts(bruno) == (1, 0)
    assert counts(carla) == (0, 1)


def test_block_ends_pending_requests_both_ways(ana, carla, bruno):
    # Given ana asked to follow carla (locked), and carla asked to follow a locked ana
    locked_ana = make_account("dora", locked=True)
    services.follow(actor=ana, target=carla)
    services.follow(actor=carla, target=locked_ana)
    # When carla blocks ana, and locked_ana blocks carla
    services.block(actor=carla, target=ana)
    services.block(actor=locked_ana, target=carla)
    # Then no request is left, in either direction
    assert not FollowRequest.objects.exists()


def test_blocking_oneself_is_refused(ana):
    with pytest.raises(SelfRelationshipError):
        services.block(actor=ana, target=ana)
    assert not Block.objects.exists()


def test_blocking_twice_keeps_one_block(ana, bruno):
    services.block(actor=ana, target=bruno)
    services.block(actor=ana, target=bruno)
    assert Block.objects.count() == 1


def test_unblock_allows_following_again_but_restores_nothing(ana, bruno):
    # Given ana followed bruno, then blocked him
    services.follow(actor=ana, target=bruno)
    services.block(actor=ana, target=bruno)
    # When she unblocks him
    services.unblock(actor=ana, target=bruno)
    # Then the block is gone, the old follow is not back, and she can follow him again
    assert not Block.objects.exists()
    assert not follows(ana, bruno)
    assert services.follow(actor=ana, target=bruno) == "following"
    assert counts(bruno) == (1, 0)


def test_unblock_only_lifts_ones_own_block(ana, bruno):
    # Given each blocks the other
    services.block(actor=ana, target=bruno)
    services.block(actor=bruno, target=ana)
    # When ana unblocks bruno, then bruno's block of ana still stops her following him
    services.unblock(actor=ana, target=bruno)
    with pytest.raises(BlockedError):
        services.follow(actor=ana, target=bruno)


# --- mutes -------------------------------------------------------------------------------------


def test_mute_hides_notifications_by_default(ana, bruno):
    services.mute(actor=ana, target=bruno)
    mute = Mute.objects.get(account=ana, target=bruno)
    assert (mute.reposts_only, mute.hide_notifications) == (False, True)


def test_mute_reposts_only_keeps_notifications_by_default(ana, bruno):
    services.mute(actor=ana, target=bruno, reposts_only=True)
    mute = Mute.objects.get(account=ana, target=bruno)
    assert (mute.reposts_only, mute.hide_notifications) == (True, False)


def test_muting_again_replaces_the_options(ana, bruno):
    services.mute(actor=ana, target=bruno)
    services.mute(actor=ana, target=bruno, reposts_only=True, hide_notifications=True)
    mute = Mute.objects.get()
    assert (mute.reposts_only, mute.hide_notifications) == (True, True)


def test_mute_leaves_follows_alone_and_unmute_removes_it(ana, bruno):
    services.follow(actor=ana, target=bruno)
    services.mute(actor=ana, target=bruno)
    assert follows(ana, bruno)
    services.unmute(actor=ana, target=bruno)
    assert not Mute.objects.exists()
    services.unmute(actor=ana, target=bruno)  # harmless again


def test_muting_oneself_is_refused(ana):
    with pytest.raises(SelfRelationshipError):
        services.mute(actor=ana, target=ana)
    assert not Mute.objects.exists()


# --- signals -----------------------------------------------------------------------------------


def test_signals_wait_for_the_commit(
    ana, bruno, django_capture_on_commit_callbacks, captured_signals
):
    # When ana follows bruno, before the transaction commits
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.follow(actor=ana, target=bruno)
    # Then nothing was sent yet
    assert captured_signals == []
    # And once it commits, `followed` goes out with the two ids
    for callback in callbacks:
        callback()
    assert captured_signals == [("followed", {"follower_id": ana.pk, "target_id": bruno.pk})]


def test_no_signal_when_the_transaction_rolls_back(
    ana, bruno, django_capture_on_commit_callbacks, captured_signals
):
    # When a follow happens inside a transaction that then fails
    def follow_then_fail():
        with transaction.atomic():
            services.follow(actor=ana, target=bruno)
            raise RuntimeError("boom")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        follow_then_fail()
    # Then nothing is sent and nothing is stored
    assert callbacks == []
    assert captured_signals == []
    assert not Follow.objects.exists()


def test_each_change_sends_its_signal(
    ana, bruno, carla, django_capture_on_commit_callbacks, captured_signals
):
    ids = {"ana": ana.pk, "bruno": bruno.pk, "carla": carla.pk}
    with django_capture_on_commit_callbacks(execute=True):
        services.follow(actor=ana, target=carla)  # a request
        services.follow(actor=ana, target=carla)  # the same request: no second signal
        services.follow_request_accept(actor=carla, requester=ana)
        services.follow(actor=ana, target=bruno)
        services.follow(actor=bruno, target=ana)
        services.block(actor=ana, target=bruno)
        services.block(actor=ana, target=bruno)  # again: no second signal
        services.unfollow(actor=ana, target=carla)
    assert captured_signals == [
        ("follow_requested", {"follower_id": ids["ana"], "target_id": ids["carla"]}),
        ("followed", {"follower_id": ids["ana"], "target_id": ids["carla"]}),
        ("followed", {"follower_id": ids["ana"], "target_id": ids["bruno"]}),
        ("followed", {"follower_id": ids["bruno"], "target_id": ids["ana"]}),
        ("unfollowed", {"follower_id": ids["ana"], "target_id": ids["bruno"]}),
        ("unfollowed", {"follower_id": ids["bruno"], "target_id": ids["ana"]}),
        ("blocked", {"account_id": ids["ana"], "target_id": ids["bruno"]}),
        ("unfollowed", {"follower_id": ids["ana"], "target_id": ids["carla"]}),
    ]


def test_a_failing_receiver_does_not_undo_or_break_the_change(
    ana, bruno, django_capture_on_commit_callbacks, caplog
):
    from hearth.graph.signals import followed

    def broken(**kwargs):
        raise ValueError("receiver bug")

    followed.connect(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.follow(actor=ana, target=bruno)
    finally:
        followed.disconnect(broken)
    assert follows(ana, bruno)
    assert "graph signal receiver" in caplog.text


# --- account erasure ---------------------------------------------------------------------------


def test_erasing_an_account_fixes_the_counters_of_others(ana, bruno, carla):
    # Given bruno and ana follow each other, and bruno follows carla too
    services.follow(actor=ana, target=bruno)
    services.follow(actor=bruno, target=ana)
    services.follow(actor=bruno, target=carla)
    services.follow_request_accept(actor=carla, requester=bruno)
    # When bruno's account is erased
    account_erase(user_id=bruno.user_id)
    # Then his follows are gone, and the counters of ana and carla no longer count him
    assert not Follow.objects.exists()
    assert counts(ana) == (0, 0)
    assert counts(carla) == (0, 0)


# --- concurrency -------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_follows_are_all_counted():
    # Given one account and twenty others
    target = make_account("popular")
    followers = [make_account(f"fan{n}") for n in range(20)]
    start = threading.Barrier(len(followers))
    errors = []

    def follow(follower):
        try:
            start.wait()
            services.follow(actor=follower, target=target)
        except Exception as error:  # noqa: BLE001  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    # When all twenty follow it at the same moment, each on its own connection
    threads = [threading.Thread(target=follow, args=(f,)) for f in followers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then every follow is stored and counted
    assert errors == []
    assert Follow.objects.filter(target=target).count() == 20
    assert Account.objects.get(pk=target.pk).followers_count == 20
    assert all(counts(f) == (0, 1) for f in followers)
