"""The moderators' side through the test client: the whole flow from a report to a restored
post, the role on every moderation URL, and suspension on every surface."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models.user import Visibility
from hearth.moderation.models import (
    ActionKind,
    Appeal,
    BlockedPhrase,
    ModerationAction,
    Report,
    ServerRule,
)
from hearth.moderation.roles import moderator_grant
from hearth.notifications.models import Notification, NotificationType
from hearth.posts.models import Post
from hearth.posts.tests.factories import make_post
from hearth.testing.fixtures import make_user
from hearth.web.tests.test_timelines import cast  # noqa: F401  # the matrix's people

pytestmark = pytest.mark.django_db


@pytest.fixture
def mod(db):
    user = make_user("moira")
    moderator_grant(user=user)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_report_remove_appeal_restore_end_to_end(user, other_user, mod):
    ana, bruno = user.account, other_user.account
    post = make_post(bruno, "Buy cheap watches at spam.example")

    # Given ana reports bruno's post from the post's menu
    ana_client = logged_in(user)
    form = ana_client.get(f"/@bruno/report?post={post.pk}")
    assert form.status_code == 200
    assert "Buy cheap watches" in form.content.decode()
    sent = ana_client.post(
        "/@bruno/report",
        {"category": "spam", "post_ids": [post.pk], "comment": "Pure spam"},
    )
    assert sent.status_code == 200
    assert "your report is with the moderators" in sent.content.decode()
    report = Report.objects.get()

    # When the moderator opens the queue, they see it, and its page shows the post
    mod_client = logged_in(mod)
    queue = mod_client.get("/moderation/")
    assert f"/moderation/reports/{report.pk}" in queue.content.decode()
    page = mod_client.get(f"/moderation/reports/{report.pk}")
    assert "Buy cheap watches" in page.content.decode()
    assert "Pure spam" in page.content.decode()

    # When they remove the post, saying why
    done = mod_client.post(
        f"/moderation/reports/{report.pk}/action",
        {"kind": "remove_post", "post": post.pk, "reason": "Spam: rule 1"},
    )
    assert done.status_code == 302
    assert Post.objects.get(pk=post.pk).review_state == "removed"
    assert Client().get(f"/@bruno/{post.pk}").status_code == 404
    # The reporter hears the report was handled
    assert Notification.objects.filter(
        recipient=ana, type=NotificationType.MODERATION, message__contains="@bruno"
    ).exists()

    # Then bruno is notified, sees the reason and the guidelines link, and appeals
    note = Notification.objects.get(recipient=bruno, type=NotificationType.MODERATION)
    bruno_client = logged_in(other_user)
    listing = bruno_client.get("/notifications").content.decode()
    assert "Spam: rule 1" in listing
    notice = bruno_client.get(note.url).content.decode()
    assert "Spam: rule 1" in notice
    assert 'href="/guidelines"' in notice
    assert "Buy cheap watches" in notice  # he can read what was removed
    appealed = bruno_client.post(f"{note.url}/appeal", {"text": "It was a joke among friends"})
    assert appealed.status_code == 302
    appeal = Appeal.objects.get()
    # A second appeal of the same decision is refused, next to the form
    again = bruno_client.post(f"{note.url}/appeal", {"text": "Please?"})
    assert again.status_code == 400
    assert "already appealed" in again.content.decode()

    # When the moderator sees the appeal in the queue and reverses the decision
    assert f"/moderation/appeals/{appeal.pk}" in mod_client.get("/moderation/").content.decode()
    decided = mod_client.post(
        f"/moderation/appeals/{appeal.pk}/decide",
        {"decision": "reverse", "reason": "Fair enough"},
    )
    assert decided.status_code == 302

    # Then the post is back for everyone
    assert Client().get(f"/@bruno/{post.pk}").status_code == 200
    # And the audit log shows each step, in order, with who and which report
    log = list(ModerationAction.objects.order_by("id"))
    assert [entry.kind for entry in log] == [ActionKind.REMOVE_POST, ActionKind.APPEAL_REVERSED]
    assert [entry.moderator_username for entry in log] == ["moira", "moira"]
    assert all(entry.report_id == report.pk for entry in log)
    assert log[1].about_id == log[0].pk
    # which an admin reads at /moderation/log, newest first
    admin = make_user("chief", is_admin=True)
    text = logged_in(admin).get("/moderation/log").content.decode()
    assert text.index("Reversed a decision") < text.index("Removed a post")


def test_report_form_errors_show_next_to_the_fields(client_with_user, other_user):
    response = client_with_user.post("/@bruno/report", {"category": "nonsense", "comment": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "errorlist" in body
    assert Report.objects.count() == 0


# --- Every moderation URL needs the role --------------------------------------------------------

MODERATION_URLS = [
    ("get", "/moderation/"),
    ("get", "/moderation/reports/{report}"),
    ("post", "/moderation/reports/{report}/assign"),
    ("post", "/moderation/reports/{report}/note"),
    ("post", "/moderation/reports/{report}/action"),
    ("get", "/moderation/accounts/bruno"),
    ("post", "/moderation/accounts/bruno/action"),
    ("post", "/moderation/accounts/bruno/legal"),
    ("get", "/moderation/exports/1"),
    ("get", "/moderation/appeals/{appeal}"),
    ("post", "/moderation/appeals/{appeal}/decide"),
    ("get", "/moderation/log"),
    ("get", "/moderation/phrases"),
    ("post", "/moderation/phrases"),
    ("get", "/moderation/phrases/{phrase}"),
    ("post", "/moderation/phrases/{phrase}"),
    ("post", "/moderation/phrases/{phrase}/delete"),
    ("get", "/moderation/rules"),
    ("post", "/moderation/rules"),
    ("get", "/moderation/rules/{rule}"),
    ("post", "/moderation/rules/{rule}"),
    ("post", "/moderation/rules/{rule}/move"),
    ("post", "/moderation/rules/{rule}/delete"),
]
#: Only admins, not moderators (the server rules are the community's policy).
ADMIN_URLS = {
    "/moderation/accounts/bruno/legal",
    "/moderation/exports/1",
    "/moderation/log",
    "/moderation/rules",
    "/moderation/rules/{rule}",
    "/moderation/rules/{rule}/move",
    "/moderation/rules/{rule}/delete",
}


@pytest.fixture
def subjects(user, other_user, mod):
    from hearth.moderation.actions import action_take, appeal_create
    from hearth.moderation.reports import report_create

    post = make_post(other_user.account, "a post")
    report = report_create(
        reporter=user.account, target=other_user.account, category="spam", post_ids=[post.pk]
    )
    action = action_take(moderator=mod, kind="limit", account=other_user.account, reason="Too loud")
    appeal = appeal_create(account=other_user.account, action=action, text="Please")
    phrase = BlockedPhrase.objects.create(phrase="casino")
    rule = ServerRule.objects.get(position=1)
    return {"report": report.pk, "appeal": appeal.pk, "phrase": phrase.pk, "rule": rule.pk}


@pytest.mark.parametrize(("method", "url"), MODERATION_URLS)
def test_a_normal_member_gets_403_and_a_visitor_the_login_page(user, subjects, method, url):
    url = url.format(**subjects)
    data = {
        "kind": "suspend",
        "reason": "x",
        "text": "x",
        "decision": "reverse",
        "what": "hold",
        "phrase": "spam",
        "action": "reject",
        "direction": "down",
    }
    member = logged_in(user)
    assert getattr(member, method)(url, data).status_code == 403
    visitor = getattr(Client(), method)(url, data)
    assert visitor.status_code == 302
    assert visitor["Location"].startswith("/accounts/login/")
    # and nothing happened
    assert ModerationAction.objects.count() == 1
    assert Report.objects.get().notes.count() == 0
    assert list(BlockedPhrase.objects.values_list("phrase", flat=True)) == ["casino"]
    assert ServerRule.objects.get(pk=subjects["rule"]).position == 1
    assert ServerRule.objects.count() == 10


@pytest.mark.parametrize(("method", "url"), MODERATION_URLS)
def test_moderators_reach_every_page_but_the_admin_ones(mod, subjects, method, url):
    response = getattr(logged_in(mod), method)(url.format(**subjects), {})
    if url in ADMIN_URLS:
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 302, 400)


# --- Suspension hides everything ----------------------------------------------------------------


def test_suspended_accounts_content_disappears_from_every_surface(cast, mod):  # noqa: F811
    from hearth.moderation.actions import action_take

    ada, fay = cast["author"], cast["follower"]
    post = make_post(ada, "Visible until suspended #matrix", visibility=Visibility.PUBLIC)
    fay_client = logged_in(fay.user)
    surfaces = [f"/@ada/{post.pk}", "/@ada", "/@ada/with_replies", "/", "/public", "/tags/matrix"]
    for url in surfaces:
        assert "Visible until suspended" in fay_client.get(url).content.decode(), url

    assert Client().get(f"/api/v1/statuses/{post.pk}").status_code == 200

    action_take(moderator=mod, kind="suspend", account=ada, reason="Ban evasion")
    assert Client().get(f"/api/v1/statuses/{post.pk}").status_code == 404

    for client in (fay_client, Client()):
        for url in surfaces:
            response = client.get(url)
            assert response.status_code in (200, 404), url
            assert "Visible until suspended" not in response.content.decode(), url


def test_a_suspended_member_sees_the_reason_and_can_appeal(user, mod):
    from hearth.moderation.actions import action_take

    action_take(moderator=mod, kind="suspend", account=user.account, reason="Ban evasion")
    client = logged_in(user)
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == "/suspended"
    page = client.get("/suspended").content.decode()
    assert "Ban evasion" in page
    assert "Send appeal" in page
    action = ModerationAction.objects.get()
    assert client.post(f"/notices/{action.pk}/appeal", {"text": "Not me"}).status_code == 302
    assert "Waiting for a moderator" in client.get("/suspended").content.decode()


def test_limited_accounts_reach_only_followers(cast, mod):  # noqa: F811
    from hearth.moderation.actions import action_take

    ada = cast["author"]
    post = make_post(ada, "Limited words #matrix")
    action_take(moderator=mod, kind="limit", account=ada, reason="Borderline")
    assert (
        "Limited words" in logged_in(cast["follower"].user).get(f"/@ada/{post.pk}").content.decode()
    )
    assert logged_in(cast["non_follower"].user).get(f"/@ada/{post.pk}").status_code == 404
    assert Client().get(f"/@ada/{post.pk}").status_code == 404
    assert "Limited words" not in logged_in(cast["follower"].user).get("/public").content.decode()


def test_transparency_page_counts_without_names(user, other_user, mod):
    from hearth.moderation.actions import action_take

    action_take(moderator=mod, kind="limit", account=other_user.account, reason="Secret reason")
    body = Client().get("/about/moderation").content.decode()
    assert "Limited the account" in body
    for private in ("bruno", "moira", "Secret reason"):
        assert private not in body


def test_legal_hold_blocks_deletion_and_export_is_logged(other_user, mod):
    from hearth.accounts.deletion import account_erase
    from hearth.accounts.models import DataExport

    admin = make_user("chief", is_admin=True)
    client = logged_in(admin)
    held = client.post("/moderation/accounts/bruno/legal", {"what": "hold", "reason": "Case 42"})
    assert held.status_code == 302
    assert account_erase(user_id=other_user.pk) is False
    refused = client.post("/moderation/accounts/bruno/action", {"kind": "delete_data"})
    assert refused.status_code == 400
    assert "under legal hold" in refused.content.decode()
    # (deleting data is for admins: a moderator is refused outright)
    assert (
        logged_in(mod).post("/moderation/accounts/bruno/action", {"kind": "delete_data"})
    ).status_code == 403
    exported = client.post(
        "/moderation/accounts/bruno/legal", {"what": "export", "reason": "Case 42"}
    )
    assert exported.status_code == 302
    assert DataExport.objects.filter(user=other_user).exists()
    kinds = list(ModerationAction.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [ActionKind.LEGAL_HOLD, ActionKind.LEGAL_EXPORT]


def test_the_header_links_moderators_to_the_queue_at_no_query_cost(client):
    member, moderator = make_user("nell"), make_user("otto")
    moderator_grant(user=moderator)
    client.force_login(member)
    assert 'href="/moderation/"' not in client.get("/settings/profile").content.decode()
    client.force_login(moderator)
    client.get("/settings/profile")  # the answer is cached on the first page
    page = client.get("/settings/profile").content.decode()
    assert 'href="/moderation/"' in page
    # And a later page asks the database nothing about permissions
    with CaptureQueriesContext(connection) as queries:
        client.get("/settings/profile")
    assert not any("auth_permission" in query["sql"] for query in queries.captured_queries)
