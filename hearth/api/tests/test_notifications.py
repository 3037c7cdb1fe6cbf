"""/api/v1/notifications: the list (types, filters, paging, cost), one, dismiss, clear, the
unread count, and who may see what."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import Account, User
from hearth.api.oauth.services import RegisteredApp
from hearth.api.tests.conftest import bearer
from hearth.graph import services as graph
from hearth.notifications.models import Notification, NotificationType
from hearth.notifications.services import notifications_mark_read
from hearth.posts import services as posts
from hearth.posts.models import Post
from hearth.testing.fixtures import make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications"


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what a block enqueues on commit: the signals, then the (eager) notification tasks."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def post(author: Account, text: str = "Hello", visibility: str = "public", **kw: Any) -> Post:
    return posts.post_create(author=author, text=text, visibility=visibility, **kw)


@pytest.fixture
def everything(user: User, other_user: User, committed: Any) -> dict[str, Post]:
    """Bruno does to Ana each thing that notifies: follow, mention, reply, like, repost, and
    an edit of a post Ana liked."""
    ana, bruno = user.account, other_user.account
    mine = post(ana, "Ana's post")
    his = post(bruno, "Bruno's post")
    with committed():
        posts.favourite(actor=ana, post=his)
    with committed():
        graph.follow(actor=bruno, target=ana)
        mention = post(bruno, "@ana look")
        reply = post(bruno, "@ana nice", in_reply_to=mine)
        posts.favourite(actor=bruno, post=mine)
        posts.reblog(actor=bruno, post=mine)
    with committed():
        posts.post_edit(
            post=his, editor=bruno, text="Bruno's post, edited", spoiler_text="", sensitive=False
        )
    return {"mine": mine, "his": his, "mention": mention, "reply": reply}


def test_every_kind_as_mastodon_types(
    client: Client, ana: dict[str, str], everything: dict[str, Post], check: Any
) -> None:
    # When Ana lists her notifications
    response = client.get(URL, headers=ana)

    # Then each is a valid Notification, newest first, a reply being a "mention"
    assert response.status_code == 200
    data = response.json()
    check("Notification[]", data)
    assert [n["type"] for n in data] == [
        "update",
        "reblog",
        "favourite",
        "mention",
        "mention",
        "follow",
    ]
    by_type = {n["type"]: n for n in data}
    assert by_type["follow"]["status"] is None
    assert by_type["follow"]["account"]["username"] == "bruno"
    assert by_type["favourite"]["status"]["id"] == str(everything["mine"].pk)
    assert "edited" in by_type["update"]["status"]["content"]
    assert data[3]["status"]["id"] == str(everything["reply"].pk)
    assert data[4]["status"]["id"] == str(everything["mention"].pk)
    for entry in data:
        assert entry["group_key"] == f"ungrouped-{entry['id']}"


def test_types_and_exclude_types(
    client: Client, ana: dict[str, str], everything: dict[str, Post], check: Any
) -> None:
    def types(query: dict[str, Any]) -> list[str]:
        response = client.get(URL, query, headers=ana)
        assert response.status_code == 200
        check("Notification[]", response.json())
        return [n["type"] for n in response.json()]

    assert types({"types[]": ["mention"]}) == ["mention", "mention"]  # replies included
    assert types({"types[]": ["follow", "favourite"]}) == ["favourite", "follow"]
    assert types({"types": "reblog"}) == ["reblog"]
    assert types({"exclude_types[]": ["mention", "update", "reblog"]}) == ["favourite", "follow"]
    assert types({"types[]": ["mention", "follow"], "exclude_types[]": ["follow"]}) == [
        "mention",
        "mention",
    ]
    # Types Hearth never makes, or nobody knows, match nothing
    assert types({"types[]": ["poll", "status"]}) == []
    assert types({"types[]": ["no-such-type"]}) == []
    assert len(types({"exclude_types[]": ["no-such-type"]})) == 6


def test_account_id_filter(
    client: Client,
    user: User,
    ana: dict[str, str],
    everything: dict[str, Post],
    check: Any,
    committed: Any,
) -> None:
    # Given Carla also follows Ana
    carla = make_user("carla").account
    with committed():
        graph.follow(actor=carla, target=user.account)

    only_carla = client.get(URL, {"account_id": str(carla.pk)}, headers=ana)
    check("Notification[]", only_carla.json())
    assert [(n["type"], n["account"]["username"]) for n in only_carla.json()] == [
        ("follow", "carla")
    ]

    bad = client.get(URL, {"account_id": "carla"}, headers=ana)
    assert bad.status_code == 422
    check("Error", bad.json())
    assert "account_id" in bad.json()["error"]


def test_paging_limits_and_link(
    client: Client,
    user: User,
    other_user: User,
    ana: dict[str, str],
    check: Any,
    committed: Any,
) -> None:
    # Given 85 mentions of Ana
    with committed():
        for number in range(85):
            post(other_user.account, f"@ana number {number}")
    assert Notification.objects.filter(recipient=user.account).count() == 85

    # Then 40 by default, and a limit of 100 is clamped to 80, not refused
    default = client.get(URL, headers=ana)
    check("Notification[]", default.json())
    assert len(default.json()) == 40
    clamped = client.get(URL, {"limit": "100", "types[]": "mention"}, headers=ana)
    check("Notification[]", clamped.json())
    assert len(clamped.json()) == 80
    # The Link header goes on with the same filters, next first
    link = clamped["Link"]
    assert link.startswith("<http://testserver/api/v1/notifications?")
    assert "types%5B%5D=mention" in link
    next_url = link.split(">")[0].removeprefix("<")
    rest = client.get(next_url, headers=ana)
    check("Notification[]", rest.json())
    assert len(rest.json()) == 5
    assert 'rel="next"' not in rest.get("Link", "")
    ids = [int(n["id"]) for n in clamped.json() + rest.json()]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == 85
    # since_id / min_id page upwards
    newer = client.get(URL, {"min_id": rest.json()[0]["id"], "limit": "3"}, headers=ana)
    check("Notification[]", newer.json())
    assert [int(n["id"]) for n in newer.json()] == ids[77:80]


def test_a_page_of_40_costs_what_a_page_of_5_costs(
    client: Client,
    user: User,
    other_user: User,
    ana: dict[str, str],
    committed: Any,
    django_assert_max_num_queries: Any,
) -> None:
    def queries_for_page(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"limit": str(limit)}, headers=ana)
        assert len(response.json()) == limit
        return len(captured.captured_queries)

    # Given a mix of kinds, each with a post, by several people
    with committed():
        for number in range(12):
            someone = make_user(f"fan{number}").account
            mine = post(user.account, f"mine {number}")
            posts.favourite(actor=someone, post=mine)
            posts.reblog(actor=someone, post=mine)
            post(someone, f"@ana hi {number}")
            graph.follow(actor=someone, target=user.account)

    # Then the cost doesn't grow with the page (once per-member caches, e.g. filters, are warm)
    queries_for_page(5)
    small = queries_for_page(5)
    assert queries_for_page(40) == small
    with django_assert_max_num_queries(small):
        client.get(URL, {"limit": "40"}, headers=ana)


def test_one_notification_and_others_are_404(
    client: Client,
    ana: dict[str, str],
    bruno: dict[str, str],
    everything: dict[str, Post],
    check: Any,
) -> None:
    first = client.get(URL, headers=ana).json()[0]

    one = client.get(f"{URL}/{first['id']}", headers=ana)
    assert one.status_code == 200
    check("Notification", one.json())
    assert one.json() == first

    # Bruno can't read, dismiss or even learn of Ana's notification; junk ids are 404 too
    for response in (
        client.get(f"{URL}/{first['id']}", headers=bruno),
        client.post(f"{URL}/{first['id']}/dismiss", headers=bruno),
        client.get(f"{URL}/not-a-number", headers=ana),
        client.get(f"{URL}/99999999999999999999999", headers=ana),
        client.post(f"{URL}/0/dismiss", headers=ana),
    ):
        assert response.status_code == 404
        check("Error", response.json())
    assert Notification.objects.filter(pk=first["id"]).exists()


def test_dismiss_and_clear(
    client: Client,
    user: User,
    other_user: User,
    ana: dict[str, str],
    bruno: dict[str, str],
    everything: dict[str, Post],
    committed: Any,
) -> None:
    # Given Bruno has a notification of his own
    with committed():
        graph.follow(actor=user.account, target=other_user.account)
    brunos = Notification.objects.filter(recipient=other_user.account).count()
    assert brunos == 2  # the follow, and Ana's like in `everything`
    first = client.get(URL, headers=ana).json()[0]

    # When Ana dismisses one (with a trailing slash, as some clients send)
    dismissed = client.post(f"{URL}/{first['id']}/dismiss/", headers=ana)

    # Then it is gone from the database and the list
    assert dismissed.status_code == 200
    assert dismissed.json() == {}
    assert not Notification.objects.filter(pk=first["id"]).exists()
    assert first["id"] not in [n["id"] for n in client.get(URL, headers=ana).json()]
    assert client.get(f"{URL}/{first['id']}", headers=ana).status_code == 404

    # When she clears them all
    cleared = client.post(f"{URL}/clear", headers=ana)
    assert cleared.status_code == 200
    assert cleared.json() == {}
    assert not Notification.objects.filter(recipient=user.account).exists()
    assert client.get(URL, headers=ana).json() == []
    # Bruno's are untouched
    assert Notification.objects.filter(recipient=other_user.account).count() == brunos


def test_a_blocked_accounts_notifications_are_absent(
    client: Client,
    user: User,
    other_user: User,
    ana: dict[str, str],
    check: Any,
    committed: Any,
) -> None:
    # Given Bruno and Carla mention Ana
    carla = make_user("carla").account
    with committed():
        post(other_user.account, "@ana from bruno")
        post(carla, "@ana from carla")
    # When Ana blocks Bruno (the clean-up task not run yet: the selectors alone must hide it)
    graph.block(actor=user.account, target=other_user.account)

    data = client.get(URL, headers=ana).json()
    check("Notification[]", data)
    assert [n["account"]["username"] for n in data] == ["carla"]
    hidden = Notification.objects.get(recipient=user.account, actor=other_user.account)
    assert client.get(f"{URL}/{hidden.pk}", headers=ana).status_code == 404
    assert client.get(URL, {"account_id": str(other_user.account.pk)}, headers=ana).json() == []


def test_moderator_messages_about_no_action_stay_out_of_the_api(
    client: Client,
    user: User,
    other_user: User,
    ana: dict[str, str],
    check: Any,
    committed: Any,
) -> None:
    # Given a message from the moderators that tells of no action against Ana (a report
    # handled: Mastodon has no type for it; written directly, only its own app makes it)
    odd = Notification.objects.create(
        recipient=user.account, actor=other_user.account, type="moderation"
    )
    with committed():
        graph.follow(actor=other_user.account, target=user.account)

    data = client.get(URL, headers=ana).json()
    check("Notification[]", data)
    assert [n["type"] for n in data] == ["follow"]
    assert client.get(f"{URL}/{odd.pk}", headers=ana).status_code == 404


def test_unread_count(
    client: Client, user: User, ana: dict[str, str], everything: dict[str, Post], check: Any
) -> None:
    response = client.get(f"{URL}/unread_count", headers=ana)
    assert response.status_code == 200
    check("CountResponse", response.json())
    assert response.json() == {"count": 6}
    assert client.get(f"{URL}/unread_count", {"types[]": "mention"}, headers=ana).json() == {
        "count": 2
    }

    notifications_mark_read(account=user.account)
    assert client.get(f"{URL}/unread_count", headers=ana).json() == {"count": 0}


def test_undoing_a_like_or_repost_removes_its_notification(
    client: Client, user: User, other_user: User, ana: dict[str, str], committed: Any
) -> None:
    # Given Bruno liked and reposted Ana's post
    ana_account, bruno = user.account, other_user.account
    mine = post(ana_account, "Ana's post")
    with committed():
        posts.favourite(actor=bruno, post=mine)
        repost = posts.reblog(actor=bruno, post=mine)
    kinds = Notification.objects.filter(recipient=ana_account).values_list("type", flat=True)
    assert sorted(kinds) == ["favourite", "reblog"]

    # When he takes back the like, and deletes the repost (as DELETE /statuses/:id does)
    with committed():
        posts.unfavourite(actor=bruno, post=mine)
    with committed():
        posts.post_delete(post=repost, actor=bruno)

    # Then both notifications are gone from the database, not only hidden
    assert not Notification.objects.filter(recipient=ana_account).exists()
    assert client.get(URL, headers=ana).json() == []

    # And a repost undone with unreblog is removed the same way
    with committed():
        posts.reblog(actor=bruno, post=mine)
    with committed():
        posts.unreblog(actor=bruno, post=mine)
    assert not Notification.objects.filter(
        recipient=ana_account, type=NotificationType.REBLOG
    ).exists()


def test_a_like_made_again_before_the_removal_runs_keeps_its_notification(
    user: User, other_user: User, committed: Any
) -> None:
    mine = post(user.account, "Ana's post")
    with committed():
        posts.favourite(actor=other_user.account, post=mine)
    # Un-like and like again within one transaction: the removal runs after the like is back
    with committed():
        posts.unfavourite(actor=other_user.account, post=mine)
        posts.favourite(actor=other_user.account, post=mine)
    assert (
        Notification.objects.filter(recipient=user.account, type=NotificationType.FAVOURITE).count()
        == 1
    )


def test_tokens_and_scopes(
    client: Client, user: User, registered_app: RegisteredApp, check: Any
) -> None:
    assert client.get(URL).status_code == 401
    statuses_only = bearer(user, registered_app, scope="read:statuses")
    refused = client.get(URL, headers=statuses_only)
    assert refused.status_code == 403
    check("Error", refused.json())
    read_only = bearer(user, registered_app, scope="read")
    assert client.get(URL, headers=read_only).status_code == 200
    assert client.post(f"{URL}/clear", headers=read_only).status_code == 403
    app_only = bearer(None, registered_app, scope="read")
    assert client.get(URL, headers=app_only).status_code == 422


def test_actions_against_the_member_are_moderation_warnings(
    client: Client, user: User, ana: dict[str, str], check: Any, committed: Any
) -> None:
    # Given moderators who mark one of Ana's posts sensitive and then limit her account, and
    # Ana appealing the first
    from hearth.moderation import actions, roles

    moderator = make_user("moana")
    roles.moderator_grant(user=moderator)
    flagged = post(user.account, "a photo, say")
    with committed():
        marked = actions.action_take(
            moderator=moderator,
            kind="mark_sensitive",
            account=user.account,
            post=flagged,
            reason="Graphic images need a warning here.",
        )
        actions.action_take(
            moderator=moderator, kind="limit", account=user.account, reason="Repeated spam."
        )
    actions.appeal_create(account=user.account, action=marked, text="It was a sunset.")
    # When her app lists her notifications
    response = client.get(URL, headers=ana)
    # Then both are Mastodon moderation warnings, newest first, each with its AccountWarning
    assert response.status_code == 200
    data = response.json()
    check("Notification[]", data)
    assert [n["type"] for n in data] == ["moderation_warning", "moderation_warning"]
    limit, sensitive = (n["moderation_warning"] for n in data)
    assert limit["action"] == "silence"
    assert limit["text"] == "Repeated spam."
    assert limit["status_ids"] is None
    assert limit["appeal"] is None
    assert sensitive["id"] == str(marked.pk)
    assert sensitive["action"] == "mark_statuses_as_sensitive"
    assert sensitive["status_ids"] == [str(flagged.pk)]
    assert sensitive["appeal"] == {"text": "It was a sunset.", "state": "pending"}
    assert sensitive["target_account"]["id"] == str(user.account.pk)
    # And they can be fetched one by one, filtered by type and counted
    single = client.get(f"{URL}/{data[1]['id']}", headers=ana).json()
    check("Notification", single)
    assert single["moderation_warning"]["id"] == str(marked.pk)
    only = client.get(URL, {"types[]": "moderation_warning"}, headers=ana).json()
    assert len(only) == 2
    assert client.get(URL, {"exclude_types[]": "moderation_warning"}, headers=ana).json() == []
    assert client.get(f"{URL}/unread_count", headers=ana).json() == {"count": 2}
