"""Screening posts: blocked phrases (refuse or hold), the spam heuristic, accounts whose posts
need approval; held posts stay with their author until a moderator approves them, and are then
fanned out and their mentions notified."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from hearth.accounts.models import Account, User
from hearth.graph import services as graph
from hearth.moderation import screening
from hearth.moderation.actions import action_take
from hearth.moderation.models import ActionKind, BlockedPhrase, ModerationAction, PhraseAction
from hearth.moderation.roles import moderator_grant
from hearth.notifications.models import Notification, NotificationType
from hearth.posts import services as posts
from hearth.posts.models import Post
from hearth.posts.tests.factories import fresh, make_post
from hearth.testing.fixtures import make_user
from hearth.timelines.models import FanoutJob

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def mod(db):
    user = make_user("moira")
    moderator_grant(user=user)
    return user


@pytest.fixture
def spam_check(settings):
    settings.HEARTH_SPAM_CHECK_ENABLED = True
    return settings


def joined_long_ago(user: User) -> None:
    # In the database and on `user` too: `user.account` keeps `user` as its member, and the
    # screening reads the join date from it (as from request.user) rather than again.
    user.date_joined = timezone.now() - timedelta(days=30)
    User.objects.filter(pk=user.pk).update(date_joined=user.date_joined)


# --- Blocked phrases --------------------------------------------------------------------------


def test_a_rejected_phrase_is_an_error_next_to_the_text_on_the_web(client_with_user, user):
    BlockedPhrase.objects.create(phrase="buy followers", action=PhraseAction.REJECT)
    response = client_with_user.post(
        "/posts", {"text": "Cheap! BUY   followers", "visibility": "public"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    error = "“BUY   followers” isn’t allowed on this server"
    assert error in body
    # Beside the text box, which keeps what was typed.
    field = body[body.index('name="text"') - 600 :]
    assert field.index(error) < field.index("</div>", field.index(error))
    assert "field--error" in body[: body.index(error)]
    assert not Post.objects.exists()


def test_whole_word_phrases_match_only_whole_words(user):
    BlockedPhrase.objects.create(phrase="ass", whole_word=True, action=PhraseAction.REJECT)
    assert make_post(user.account, "A class act").review_state == ""
    with pytest.raises(ValidationError) as error:
        make_post(user.account, "What an ass.")
    assert "text" in error.value.message_dict
    BlockedPhrase.objects.create(phrase="scam", whole_word=False, action=PhraseAction.HOLD)
    assert make_post(user.account, "scammers everywhere").review_state == "held"


def test_an_edit_is_screened_too(user):
    post = make_post(user.account, "Fine words")
    BlockedPhrase.objects.create(phrase="slur", action=PhraseAction.REJECT)
    BlockedPhrase.objects.create(phrase="crypto", action=PhraseAction.HOLD)
    with pytest.raises(ValidationError) as error:
        posts.post_edit(
            post=post, editor=user.account, text="a slur", spoiler_text="", sensitive=False
        )
    assert "text" in error.value.message_dict
    assert fresh(post).text == "Fine words"
    posts.post_edit(
        post=post, editor=user.account, text="crypto!", spoiler_text="", sensitive=False
    )
    assert fresh(post).review_state == "held"
    assert fresh(post).review_reason == "It uses a phrase on the review list."


# --- Held posts: hidden, queued, approved -----------------------------------------------------


def test_held_post_reaches_followers_and_mentions_only_once_approved(
    user, other_user, mod, django_capture_on_commit_callbacks
):
    ana, bruno = user.account, other_user.account
    carla = make_user("carla")
    graph.follow(actor=ana, target=bruno)
    graph.follow(actor=carla.account, target=bruno)
    BlockedPhrase.objects.create(phrase="miracle cure", action=PhraseAction.HOLD)

    # Given bruno posts something held, mentioning carla
    # (the on-commit signals run: fan-out and notification tasks, eager in tests)
    with django_capture_on_commit_callbacks(execute=True):
        held = make_post(bruno, "A miracle cure, @carla, look")
    assert held.review_state == "held"

    # Then only bruno sees it: not in followers' home, the public timeline, nor notified
    ana_client = logged_in(user)
    assert "miracle cure" not in ana_client.get("/").content.decode()
    assert "miracle cure" not in ana_client.get("/public").content.decode()
    assert ana_client.get(f"/@bruno/{held.pk}").status_code == 404
    assert "miracle cure" in logged_in(other_user).get(f"/@bruno/{held.pk}").content.decode()
    assert "miracle cure" in logged_in(other_user).get("/").content.decode()
    assert not Notification.objects.filter(recipient=carla.account).exists()

    # And the moderators see it under "Held posts"
    mod_client = logged_in(mod)
    queue = mod_client.get("/moderation/").content.decode()
    assert "Held posts" in queue
    assert "A miracle cure" in queue
    assert "Held: It uses a phrase on the review list." in queue  # which check held it

    # When a moderator approves it from the queue
    with django_capture_on_commit_callbacks(execute=True):
        approved = mod_client.post(
            "/moderation/accounts/bruno/action", {"kind": "approve_post", "post": held.pk}
        )
    assert approved.status_code == 302
    assert fresh(held).review_state == ""
    # (the approval committed a fan-out job of its own, as a new post does, and it ran)
    states = FanoutJob.objects.filter(post=held).order_by("id").values_list("state", flat=True)
    assert list(states) == ["done", "done"]

    # Then it is in the followers' home and public timeline, and carla is notified
    assert "miracle cure" in ana_client.get("/").content.decode()
    assert "miracle cure" in ana_client.get("/public").content.decode()
    assert Notification.objects.filter(
        recipient=carla.account, type=NotificationType.MENTION, post=held
    ).exists()
    assert "A miracle cure" not in mod_client.get("/moderation/").content.decode()


def test_rejecting_a_held_post_removes_it_and_tells_the_author(other_user, mod):
    BlockedPhrase.objects.create(phrase="miracle cure", action=PhraseAction.HOLD)
    held = make_post(other_user.account, "A miracle cure")
    refused = logged_in(mod).post(
        "/moderation/accounts/bruno/action",
        {"kind": "remove_post", "post": held.pk, "reason": "Health misinformation"},
    )
    assert refused.status_code == 302
    assert fresh(held).review_state == "removed"
    told = Notification.objects.get(recipient=other_user.account)
    assert "Health misinformation" in told.message


# --- The spam heuristic -----------------------------------------------------------------------


def links(count: int) -> str:
    return " ".join(f"https://shop{n}.example/deal" for n in range(count))


def test_many_links_are_held_fewer_for_new_accounts(user, spam_check):
    ana = user.account
    assert make_post(ana, links(2)).review_state == ""
    assert make_post(ana, links(3)).review_state == "held"  # first day: more than 2
    joined_long_ago(user)
    assert make_post(ana, "Four " + links(4)).review_state == ""
    held = make_post(ana, links(5))
    assert held.review_state == "held"
    assert held.review_reason == "It has many links (the spam check)."


def test_many_mentions_of_strangers_are_held(user, spam_check):
    joined_long_ago(user)
    ana = user.account
    people = [make_user(f"person{n}").account for n in range(7)]
    mentions = " ".join(f"@{p.username}" for p in people)
    assert make_post(ana, f"Hi {mentions}").review_state == "held"
    for person in people[:2]:
        graph.follow(actor=person, target=ana)
    assert make_post(ana, f"Hello {mentions}").review_state == ""  # five strangers, two friends


def test_the_third_identical_post_in_an_hour_is_held(user, spam_check):
    joined_long_ago(user)
    ana = user.account
    assert make_post(ana, "Follow me back").review_state == ""
    assert make_post(ana, "Follow me back").review_state == ""
    held = make_post(ana, "Follow me back")
    assert held.review_state == "held"
    assert held.review_reason == "It repeats its author’s recent posts (the spam check)."
    published = make_post(ana, "Something else")
    assert published.review_state == ""
    assert published.review_reason == ""


def test_repeats_are_looked_for_among_the_newest_posts_only(user, spam_check, monkeypatch):
    # Given the check looks back three posts (200 in production), recompiled for the test
    monkeypatch.setattr(screening, "REPEAT_LOOKBACK", 3)
    monkeypatch.setattr(screening, "_REPEATS", {})
    joined_long_ago(user)
    ana = user.account
    make_post(ana, "Follow me back")
    make_post(ana, "Follow me back")
    # When three other posts come between, the two are out of its sight: not held
    for n in range(3):
        make_post(ana, f"Other news {n}")
    assert make_post(ana, "Follow me back").review_state == ""
    # And one in sight is not enough, but two among the three newest are
    assert make_post(ana, "Follow me back").review_state == ""
    assert make_post(ana, "Follow me back").review_state == "held"


def test_an_edit_does_not_count_the_post_it_edits_as_a_repeat(user, spam_check):
    # Given two identical posts within the hour
    joined_long_ago(user)
    ana = user.account
    make_post(ana, "Follow me back")
    second = make_post(ana, "Follow me back")
    # When the second is edited without changing its text (marked sensitive)
    edited = posts.post_edit(
        post=second, editor=ana, text="Follow me back", spoiler_text="", sensitive=True
    )
    # Then only the first counts as a repeat of it: not held
    assert edited.review_state == ""
    # And a third identical new post still is
    assert make_post(ana, "Follow me back").review_state == "held"


def test_a_new_accounts_second_identical_post_is_held(user, spam_check):
    ana = user.account
    assert make_post(ana, "Follow me back").review_state == ""
    assert make_post(ana, "Follow me back").review_state == "held"


def test_the_first_day_is_told_by_the_join_date_read_once(user, spam_check):
    # Given an account reached through its member (as request.user.account), and one read
    # on its own
    through_member, on_its_own = user.account, Account.objects.get(pk=user.account.pk)
    # Then each tells a first day from the member's join date
    assert make_post(through_member, links(3)).review_state == "held"
    assert make_post(on_its_own, "Three " + links(3)).review_state == "held"
    joined_long_ago(user)
    assert make_post(through_member, "Again " + links(3)).review_state == ""
    assert make_post(Account.objects.get(pk=user.account.pk), links(3)).review_state == ""


def test_a_new_members_repeat_is_held_when_posting_from_the_web(user, spam_check):
    # The web reads the join date from the signed-in member (no query of its own).
    client = logged_in(user)
    for expected in ("", "held"):
        client.post("/posts", {"text": "Follow me back", "visibility": "public"})
        assert Post.objects.filter(author=user.account).latest("pk").review_state == expected


def test_identical_posts_older_than_an_hour_are_not_counted(user, spam_check):
    joined_long_ago(user)
    ana = user.account
    make_post(ana, "Follow me back")
    make_post(ana, "Follow me back")
    Post.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert make_post(ana, "Follow me back").review_state == ""
    assert make_post(ana, "Follow me back").review_state == ""
    assert make_post(ana, "Follow me back").review_state == "held"


def test_the_spam_check_can_be_switched_off(user, settings):
    settings.HEARTH_SPAM_CHECK_ENABLED = False
    assert make_post(user.account, links(9)).review_state == ""


# --- Accounts whose posts need approval -------------------------------------------------------


def test_require_approval_holds_posts_until_enough_are_approved(other_user, mod, settings):
    settings.HEARTH_APPROVALS_TO_TRUST = 2
    bruno = other_user.account
    action_take(moderator=mod, kind="require_approval", account=bruno, reason="Spam wave")
    bruno.refresh_from_db()
    first = make_post(bruno, "First after the warning")
    second = make_post(bruno, "Second")
    assert (first.review_state, second.review_state) == ("held", "held")

    action_take(moderator=mod, kind="approve_post", account=bruno, post=first)
    bruno.refresh_from_db()
    assert bruno.posts_need_approval is True
    assert make_post(bruno, "Third").review_state == "held"

    action_take(moderator=mod, kind="approve_post", account=bruno, post=second)
    bruno.refresh_from_db()
    assert bruno.posts_need_approval is False
    assert make_post(bruno, "Trusted again").review_state == ""
    approvals = ModerationAction.objects.filter(kind=ActionKind.APPROVE_POST, account_id=bruno.pk)
    assert approvals.count() == 2
