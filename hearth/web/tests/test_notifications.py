"""The notifications page, the badge in the header, "mark all as read" and the settings."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.accounts.services import profile_update
from hearth.graph import services as graph
from hearth.notifications.models import Notification, NotificationPreference
from hearth.notifications.selectors import unread_count
from hearth.notifications.services import notifications_mark_read
from hearth.notifications.tests.conftest import make_account
from hearth.notifications.tests.factories import make_post
from hearth.posts import services as posts

pytestmark = pytest.mark.django_db


def text(response):
    """The page's text without tags, whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def zoe(user):
    # The signed-in member of client_with_user ("ana" by username), shown as Zoe.
    return profile_update(
        account=user.account, display_name="Zoe", bio="", links=[], locked=False, discoverable=True
    )


@pytest.fixture
def fans(db):
    return [
        make_account(name, display_name=display)
        for name, display in (("ines", "Ines"), ("bruna", "Bruna"), ("carla", "Carla"))
    ]


def test_the_page_needs_a_member(client):
    response = client.get("/notifications")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_likes_are_grouped_into_one_sentence(client_with_user, zoe, fans, committed):
    # given: three people like Zoe's post
    post = make_post(zoe, "My first loaf of bread")
    with committed():
        for fan in fans:
            posts.favourite(actor=fan, post=post)

    # when
    response = client_with_user.get("/notifications")

    # then: one entry, newest liker first, with the post's excerpt linking to it
    assert response.status_code == 200
    assert "Carla and 2 others liked your post" in text(response)
    assert text(response).count("liked your post") == 1
    assert f'href="/@ana/{post.pk}"' in response.content.decode()
    assert "My first loaf of bread" in text(response)


def test_two_likes_name_both(client_with_user, zoe, fans, committed):
    post = make_post(zoe)
    with committed():
        posts.favourite(actor=fans[0], post=post)
        posts.favourite(actor=fans[1], post=post)

    assert "Bruna and Ines liked your post" in text(client_with_user.get("/notifications"))


def test_each_kind_reads_as_a_sentence(client_with_user, zoe, fans, committed):
    ines, bruna, carla = fans
    post = make_post(zoe, "Original")
    with committed():
        graph.follow(actor=ines, target=zoe)
        make_post(bruna, "@ana hello")
        make_post(carla, "Nice", in_reply_to=post)
        posts.reblog(actor=ines, post=post)

    page = text(client_with_user.get("/notifications"))

    assert "Ines followed you" in page
    assert "Bruna mentioned you" in page
    assert "Carla replied to your post" in page
    assert "Ines reposted your post" in page


def test_the_mentions_tab(client_with_user, zoe, fans, committed):
    post = make_post(zoe)
    with committed():
        posts.favourite(actor=fans[0], post=post)
        make_post(fans[1], "@ana are you there?")

    page = text(client_with_user.get("/notifications?tab=mentions"))

    assert "Bruna mentioned you" in page
    assert "liked your post" not in page


def test_the_badge_counts_unread_and_visiting_the_page_clears_it(
    client_with_user, zoe, fans, committed
):
    # given: three notifications
    post = make_post(zoe)
    with committed():
        for fan in fans:
            posts.favourite(actor=fan, post=post)

    # then: every page's header says so
    page = client_with_user.get("/settings/profile").content.decode()
    assert 'aria-label="Notifications, 3 unread"' in page
    assert '<span class="nav-count" aria-hidden="true">3</span>' in page

    # when: Zoe opens her notifications
    response = client_with_user.get("/notifications")

    # then: they show as new this once, and the badge is gone
    assert "New" in text(response)
    assert "unread" not in response.content.decode().split("</header>")[0]
    assert unread_count(account=zoe) == 0
    assert "Mark all as read" not in text(response)


def test_mark_all_as_read(client_with_user, zoe, fans, committed):
    # given: a like (not a mention) while Zoe looks at her mentions
    post = make_post(zoe)
    with committed():
        posts.favourite(actor=fans[0], post=post)
    response = client_with_user.get("/notifications?tab=mentions")
    assert "Mark all as read" in text(response)

    # when
    response = client_with_user.post("/notifications/read", {"tab": "mentions"})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/notifications?tab=mentions"
    assert unread_count(account=zoe) == 0


def test_the_badge_shows_99_plus(client_with_user, zoe, fans, committed):
    with committed():
        for number in range(100):
            make_post(fans[0], f"@ana {number}")

    page = client_with_user.get("/settings/profile").content.decode()

    assert 'aria-label="Notifications, 99+ unread"' in page


def test_visitors_pay_no_query_for_the_badge(client, db):
    with CaptureQueriesContext(connection) as captured:
        client.get("/about")

    assert not any("notifications_notification" in q["sql"] for q in captured)


def test_a_blocked_actor_disappears_from_the_page(client_with_user, zoe, fans, committed):
    post = make_post(zoe)
    with committed():
        posts.favourite(actor=fans[0], post=post)
        posts.favourite(actor=fans[1], post=post)

    graph.block(actor=zoe, target=fans[1])  # the clean-up task doesn't even need to run

    assert "Ines liked your post" in text(client_with_user.get("/notifications"))


def test_a_deleted_post_takes_its_notification_away(client_with_user, zoe, fans, committed):
    with committed():
        post = make_post(fans[0], "@ana something I regret")
    posts.post_delete(post=post, actor=fans[0])

    page = text(client_with_user.get("/notifications"))

    assert "mentioned you" not in page
    assert "Nothing here yet" in page


def test_the_empty_states(client_with_user, zoe):
    assert "Nothing here yet" in text(client_with_user.get("/notifications"))
    assert "No mentions yet" in text(client_with_user.get("/notifications?tab=mentions"))
    assert "no older notifications" in text(client_with_user.get("/notifications?before=12"))


def test_odd_query_strings_are_ignored(client_with_user, zoe):
    response = client_with_user.get("/notifications?tab=bogus&before=abc")

    assert response.status_code == 200


def test_the_page_costs_the_same_for_5_and_30_notifications(client_with_user, zoe, committed):
    fans = [make_account(f"fan{n}") for n in range(30)]
    post = make_post(zoe, "Like me")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client_with_user.get("/notifications")
        assert response.status_code == 200
        return [q["sql"] for q in captured]

    # The session's first request, and the first marker, cost more: make both beforehand.
    client_with_user.get("/notifications")
    notifications_mark_read(account=zoe)
    with committed():
        for fan in fans[:5]:
            posts.favourite(actor=fan, post=post)
            make_post(fan, "@ana hi")
    few = queries()
    with committed():
        for fan in fans[5:]:
            posts.favourite(actor=fan, post=post)
            make_post(fan, "@ana hi")
    many = queries()

    assert len(few) == len(many), "\n".join(few + ["----"] + many)


def test_settings_turn_a_kind_off(client_with_user, zoe, fans, committed):
    # given: the settings page, everything on
    page = client_with_user.get("/settings/notifications").content.decode()
    assert 'name="favourite"' in page
    assert "checked" in page
    assert "Only from people you follow" in page

    # when: Zoe keeps everything but likes
    form = dict.fromkeys(("follow", "follow_request", "mention", "reply", "reblog", "update"), "on")
    response = client_with_user.post("/settings/notifications", form)

    # then
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(account=zoe)
    assert not preference.favourite
    assert preference.reblog
    assert not preference.only_from_following
    post = make_post(zoe)
    with committed():
        posts.favourite(actor=fans[0], post=post)
    assert not Notification.objects.filter(recipient=zoe).exists()
    assert (
        'aria-current="page">Notifications'
        in client_with_user.get("/settings/notifications").content.decode()
    )


def _badge_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/settings/profile").content.decode()
    assert "<header" in page
    return [q["sql"] for q in captured if "notifications_notification" in q["sql"]]


def test_the_badge_is_counted_once_then_served_from_the_cache(
    client_with_user, zoe, fans, committed
):
    post = make_post(zoe)
    with committed():
        posts.favourite(actor=fans[0], post=post)

    assert len(_badge_queries(client_with_user)) == 1
    assert _badge_queries(client_with_user) == []


def test_every_change_to_the_notifications_shows_on_the_next_page(
    client_with_user, zoe, fans, committed
):
    # given: the badge counted and cached at 1
    post = make_post(zoe)
    with committed():
        posts.favourite(actor=fans[0], post=post)
    assert (
        'aria-label="Notifications, 1 unread"'
        in client_with_user.get("/settings/profile").content.decode()
    )

    # when: a second like arrives, then the first is taken back
    with committed():
        posts.favourite(actor=fans[1], post=post)
    after_like = client_with_user.get("/settings/profile").content.decode()
    with committed():
        posts.unfavourite(actor=fans[0], post=post)
    after_unlike = client_with_user.get("/settings/profile").content.decode()

    # then: each page counts anew, from the database
    assert 'aria-label="Notifications, 2 unread"' in after_like
    assert 'aria-label="Notifications, 1 unread"' in after_unlike
