"""/api/v1/statuses: posting (with Idempotency-Key), reading, threads, history, editing,
deleting, and the actions on a status, each answer checked against Mastodon's schema."""

import io
import json
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from hearth.accounts.housekeeping import PURGE_JOBS
from hearth.accounts.models import User
from hearth.api.idempotency import idempotency_keys_purge, post_once
from hearth.api.models import IdempotencyKey
from hearth.api.oauth.services import RegisteredApp
from hearth.api.tests.conftest import bearer
from hearth.graph import services as graph
from hearth.media import services as media_services
from hearth.posts import services as posts
from hearth.posts.models import Bookmark, Favourite, Pin, Post
from hearth.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

Headers = dict[str, str]


def post_json(client: Client, path: str, body: Any, headers: Headers, **extra: str) -> Any:
    return client.post(
        path, json.dumps(body), content_type="application/json", headers={**headers, **extra}
    )


def error_fields(response: Any) -> set[str]:
    return set(response.json()["details"])


def png(name: str = "photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def new_post(author: User, text: str = "Hello", visibility: str = "public", **kw: Any) -> Post:
    return posts.post_create(author=author.account, text=text, visibility=visibility, **kw)


# --- Posting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["json", "urlencoded", "multipart"])
def test_post_a_status_in_every_body_format(
    client: Client, user: User, ana: Headers, check: Any, form: str
) -> None:
    # Given a status with a content warning, a language and a visibility
    fields = {"status": "Hello #world", "spoiler_text": "cw", "visibility": "unlisted"}
    fields["language"] = "en"
    # When Ana posts it as JSON, as a form or as multipart
    if form == "json":
        response = post_json(client, "/api/v1/statuses", fields, ana)
    elif form == "urlencoded":
        body = "status=Hello+%23world&spoiler_text=cw&visibility=unlisted&language=en"
        response = client.post(
            "/api/v1/statuses/",
            body,
            content_type="application/x-www-form-urlencoded",
            headers=ana,
        )
    else:
        response = client.post("/api/v1/statuses", fields, headers=ana)
    # Then it is her Status, posted through the same service as the web's
    assert response.status_code == 200, response.content
    data = response.json()
    check("Status", data)
    post = Post.objects.get(pk=data["id"])
    assert post.author_id == user.account.pk
    assert post.text == "Hello #world"
    assert data["visibility"] == "unlisted"
    assert data["sensitive"] is True  # a content warning forces it, as on Mastodon
    assert data["spoiler_text"] == "cw"
    assert data["language"] == "en"
    assert data["tags"][0]["name"] == "world"
    assert data["text"] is None  # the source only comes back from DELETE and /source
    assert data["account"]["acct"] == "ana"


def test_posting_costs_a_fixed_number_of_queries(
    client: Client, user: User, other_user: User, ana: Headers, settings: Any
) -> None:
    # Given the checks a real server makes on every post (rate limits, blocked phrases, the
    # spam heuristic), a tag already in use and a first request that warmed the token's cache
    settings.HEARTH_RATE_LIMITS_ENABLED = True
    settings.HEARTH_SPAM_CHECK_ENABLED = True
    new_post(other_user, "Hi #hearth")
    client.post("/api/v1/statuses", {"status": "First"}, headers=keyed(ana, "first"))
    # When Ana's app posts a text with a tag and a mention, with an Idempotency-Key
    body = {"status": f"Hello #Hearth @{other_user.username}"}
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/statuses", body, headers=keyed(ana, "second"))
    # Then it costs no query beyond a fixed set: the token and its account, the key's claim,
    # the post's own writes (as on the web) and the Status read back for the answer. What
    # runs after commit (realtime, tasks) is not counted here.
    assert response.status_code == 200, response.content
    assert response.json()["tags"][0]["name"] == "hearth"
    sql = [query["sql"] for query in queries.captured_queries]
    assert len(sql) <= API_POST_QUERIES, "\n".join(sql)


#: Queries of POST /api/v1/statuses (test_posting_costs_a_fixed_number_of_queries).
API_POST_QUERIES = 22
#: Queries of a plain post (no mention, no photo), without an Idempotency-Key.
API_PLAIN_POST_QUERIES = 9


def test_a_plain_post_is_answered_without_reading_it_back(
    client: Client, user: User, ana: Headers, settings: Any
) -> None:
    # Given the checks a real server makes on every post, and a token and a tag already in use
    settings.HEARTH_RATE_LIMITS_ENABLED = True
    settings.HEARTH_SPAM_CHECK_ENABLED = True
    client.post("/api/v1/statuses", {"status": "First #hearth"}, headers=ana)
    # When Ana's app posts a text with that tag, no mention and no photo
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/statuses", {"status": "Hello #hearth"}, headers=ana)
    # Then the Status is built from what publishing knew: nothing is read back (mentions,
    # photos, her likes and bookmarks) and the post costs a fixed number of queries
    assert response.status_code == 200, response.content
    sql = [query["sql"] for query in queries.captured_queries]
    read_back = ("posts_mention", "media_mediaattachment", "posts_favourite")
    assert not [query for query in sql if any(table in query for table in read_back)]
    assert len(sql) <= API_PLAIN_POST_QUERIES, "\n".join(sql)


def test_the_status_answered_is_the_one_a_read_answers(
    client: Client, user: User, other_user: User, ana: Headers, check: Any
) -> None:
    # Given a tag first used as "Hearth"
    new_post(other_user, "Welcome to #Hearth")
    # When Ana posts with that tag in other letters, a new tag and a content warning
    body = {"status": "Hi #HEARTH and #cats", "spoiler_text": "cw", "visibility": "unlisted"}
    created = post_json(client, "/api/v1/statuses", body, ana).json()
    # Then the answer is the Status reading it back gives (the tags as first used), her
    # account's post count included
    check("Status", created)
    read = client.get(f"/api/v1/statuses/{created['id']}", headers=ana).json()
    assert created == read
    assert created["account"]["statuses_count"] == 1
    assert [tag["url"].rsplit("/", 1)[1] for tag in created["tags"]] == ["Hearth", "cats"]


@pytest.mark.parametrize(
    ("sent", "stored"), [("1", True), ("0", False), ("true", True), ("", False)]
)
def test_sensitive_accepts_strings(
    client: Client, ana: Headers, check: Any, sent: str, stored: bool
) -> None:
    # Mastodon.py sends "0"/"1", even inside JSON
    response = post_json(client, "/api/v1/statuses", {"status": "x", "sensitive": sent}, ana)
    assert response.status_code == 200
    check("Status", response.json())
    assert response.json()["sensitive"] is stored


def test_visibility_defaults_to_the_members_preference(
    client: Client, user: User, ana: Headers
) -> None:
    User.objects.filter(pk=user.pk).update(default_visibility="private", language="pt")
    response = client.post("/api/v1/statuses", {"status": "Olá"}, headers=ana)
    assert response.json()["visibility"] == "private"
    assert response.json()["language"] == "pt"


@pytest.mark.parametrize(("sent", "stored"), [("en-GB", "en"), ("DE", "de"), ("xx", None)])
def test_language_is_normalised(client: Client, ana: Headers, sent: str, stored: str) -> None:
    response = client.post("/api/v1/statuses", {"status": "Hi", "language": sent}, headers=ana)
    assert response.status_code == 200
    assert response.json()["language"] == stored


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "x", "visibility": "everyone"}, "visibility"),
        ({"status": ""}, "status"),
        ({"status": "   "}, "status"),
        ({"status": "x", "poll[options][]": ["a", "b"], "poll[expires_in]": "300"}, "poll"),
        ({"status": "x", "scheduled_at": "2099-01-01T00:00:00Z"}, "scheduled_at"),
        ({"status": "x", "sensitive": "maybe"}, "sensitive"),
        ({"status": "x", "media_ids[]": ["123"]}, "media_ids"),
        ({"status": "x", "visibility": "direct"}, "status"),  # direct needs a mention
    ],
)
def test_bad_input_is_422_naming_the_field(
    client: Client, ana: Headers, check: Any, fields: dict[str, Any], field: str
) -> None:
    response = client.post("/api/v1/statuses", fields, headers=ana)
    assert response.status_code == 422
    check("ValidationError", response.json())
    assert field in error_fields(response)
    assert not Post.objects.exists()


def test_too_long_is_422_naming_status(
    client: Client, ana: Headers, check: Any, settings: Any
) -> None:
    settings.HEARTH_MAX_POST_CHARS = 20
    response = post_json(client, "/api/v1/statuses", {"status": "x" * 21}, ana)
    assert response.status_code == 422
    check("ValidationError", response.json())
    assert error_fields(response) == {"status"}
    assert post_json(client, "/api/v1/statuses", {"status": "x" * 20}, ana).status_code == 200


def test_body_in_the_wrong_content_type_is_415(client: Client, ana: Headers, check: Any) -> None:
    response = client.post("/api/v1/statuses", "status=hi", content_type="text/plain", headers=ana)
    assert response.status_code == 415
    check("Error", response.json())
    broken = client.post("/api/v1/statuses", "{", content_type="application/json", headers=ana)
    assert broken.status_code == 400
    check("Error", broken.json())
    assert not Post.objects.exists()


def test_reply_and_a_reply_to_what_you_cant_see(
    client: Client, user: User, other_user: User, ana: Headers, check: Any
) -> None:
    # Given Bruno's public post and his followers-only one (Ana doesn't follow him)
    public = new_post(other_user, "Question?")
    hidden = new_post(other_user, "Secret", "private")
    # When Ana replies to each
    reply = client.post(
        "/api/v1/statuses", {"status": "Answer", "in_reply_to_id": str(public.pk)}, headers=ana
    )
    refused = client.post(
        "/api/v1/statuses", {"status": "Hm", "in_reply_to_id": str(hidden.pk)}, headers=ana
    )
    junk = client.post("/api/v1/statuses", {"status": "Hm", "in_reply_to_id": "abc"}, headers=ana)
    # Then the first is a reply, the others are 404 and post nothing
    assert reply.status_code == 200
    check("Status", reply.json())
    assert reply.json()["in_reply_to_id"] == str(public.pk)
    assert reply.json()["in_reply_to_account_id"] == str(other_user.account.pk)
    for response in (refused, junk):
        assert response.status_code == 404
        check("Error", response.json())
    assert Post.objects.filter(author=user.account).count() == 1


def test_direct_post_to_a_mentioned_member(
    client: Client,
    other_user: User,
    ana: Headers,
    bruno: Headers,
    registered_app: RegisteredApp,
    check: Any,
) -> None:
    carla = bearer(make_user("carla"), registered_app)
    response = client.post(
        "/api/v1/statuses", {"status": "@bruno psst", "visibility": "direct"}, headers=ana
    )
    assert response.status_code == 200
    data = response.json()
    check("Status", data)
    assert data["mentions"][0]["acct"] == "bruno"
    assert client.get(f"/api/v1/statuses/{data['id']}", headers=bruno).status_code == 200
    hidden = client.get(f"/api/v1/statuses/{data['id']}", headers=carla)
    assert hidden.status_code == 404
    check("Error", hidden.json())


def test_post_with_photos(client: Client, user: User, ana: Headers, check: Any) -> None:
    # Given two photos Ana uploaded
    photos = [
        media_services.media_upload(owner=user.account, file=png(f"p{n}.png")) for n in range(2)
    ]
    # When she posts them (Rails keys in a form), with no text
    response = client.post(
        "/api/v1/statuses", {"media_ids[]": [str(p.pk) for p in photos]}, headers=ana
    )
    # Then the status carries them, in order
    assert response.status_code == 200, response.content
    data = response.json()
    check("Status", data)
    assert [m["id"] for m in data["media_attachments"]] == [str(p.pk) for p in photos]
    # And JSON's plain `media_ids` works too; someone else's photo does not
    other = media_services.media_upload(owner=make_user("carla").account, file=png())
    mine = media_services.media_upload(owner=user.account, file=png())
    ok = post_json(client, "/api/v1/statuses", {"status": "x", "media_ids": [str(mine.pk)]}, ana)
    assert len(ok.json()["media_attachments"]) == 1
    refused = post_json(client, "/api/v1/statuses", {"media_ids": [str(other.pk)]}, ana)
    assert refused.status_code == 422
    assert "media_ids" in error_fields(refused)


def test_write_scope_is_needed(
    client: Client, user: User, registered_app: RegisteredApp, check: Any
) -> None:
    reader = bearer(user, registered_app, scope="read")
    post = new_post(user)
    for path in ("/api/v1/statuses", f"/api/v1/statuses/{post.pk}/favourite"):
        response = client.post(path, {"status": "x"}, headers=reader)
        assert response.status_code == 403
        check("Error", response.json())
    assert client.delete(f"/api/v1/statuses/{post.pk}", headers=reader).status_code == 403
    assert Post.objects.count() == 1
    # A granular scope is enough
    writer = bearer(user, registered_app, scope="write:statuses")
    assert client.post("/api/v1/statuses", {"status": "x"}, headers=writer).status_code == 200


def test_bad_or_missing_token_is_401(client: Client, check: Any) -> None:
    missing = client.post("/api/v1/statuses", {"status": "x"})
    bad = client.post("/api/v1/statuses", {"status": "x"}, headers={"Authorization": "Bearer no"})
    for response in (missing, bad):
        assert response.status_code == 401
        check("Error", response.json())


# --- Idempotency-Key ---------------------------------------------------------------------------


def test_same_idempotency_key_returns_the_same_status(
    client: Client, user: User, ana: Headers, check: Any
) -> None:
    # When Ana's app sends the same post twice with one key (a retry)
    first = client.post("/api/v1/statuses", {"status": "Once"}, headers=keyed(ana, "abc"))
    again = client.post("/api/v1/statuses", {"status": "Once"}, headers=keyed(ana, "abc"))
    # Then both answers are the same status, and only one was made
    assert first.status_code == again.status_code == 200
    check("Status", again.json())
    assert first.json()["id"] == again.json()["id"]
    assert Post.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
    # And another key posts again
    other = client.post("/api/v1/statuses", {"status": "Once"}, headers=keyed(ana, "abd"))
    assert other.json()["id"] != first.json()["id"]


def keyed(headers: Headers, key: str) -> Headers:
    return {**headers, "Idempotency-Key": key}


def test_idempotency_key_is_per_member(client: Client, ana: Headers, bruno: Headers) -> None:
    mine = client.post("/api/v1/statuses", {"status": "Hi"}, headers=keyed(ana, "k"))
    theirs = client.post("/api/v1/statuses", {"status": "Hi"}, headers=keyed(bruno, "k"))
    assert mine.json()["id"] != theirs.json()["id"]
    assert Post.objects.count() == 2


def test_idempotency_key_expires_after_an_hour(client: Client, ana: Headers) -> None:
    first = client.post("/api/v1/statuses", {"status": "Hi"}, headers=keyed(ana, "k"))
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    later = client.post("/api/v1/statuses", {"status": "Hi"}, headers=keyed(ana, "k"))
    assert later.status_code == 200
    assert later.json()["id"] != first.json()["id"]
    assert Post.objects.count() == 2
    # The key now points at the new post
    assert IdempotencyKey.objects.get().post_id == int(later.json()["id"])


def test_a_refused_post_does_not_use_up_its_key(client: Client, ana: Headers) -> None:
    refused = client.post("/api/v1/statuses", {"status": ""}, headers=keyed(ana, "k"))
    assert refused.status_code == 422
    assert not IdempotencyKey.objects.exists()
    retried = client.post("/api/v1/statuses", {"status": "Now"}, headers=keyed(ana, "k"))
    assert retried.status_code == 200


def test_deleting_the_post_frees_its_key(client: Client, ana: Headers) -> None:
    first = client.post("/api/v1/statuses", {"status": "Hi"}, headers=keyed(ana, "k"))
    client.delete(f"/api/v1/statuses/{first.json()['id']}", headers=ana)
    again = client.post("/api/v1/statuses", {"status": "Hi"}, headers=keyed(ana, "k"))
    assert again.status_code == 200
    assert again.json()["id"] != first.json()["id"]


def test_old_keys_are_purged(client: Client, ana: Headers) -> None:
    client.post("/api/v1/statuses", {"status": "old"}, headers=keyed(ana, "old"))
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=2))
    client.post("/api/v1/statuses", {"status": "new"}, headers=keyed(ana, "new"))
    assert idempotency_keys_purge in PURGE_JOBS.values()
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("post__text", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_retry_waits_and_gets_the_first_post(
    user: User, registered_app: RegisteredApp
) -> None:
    # Given a first request that has claimed its key and is still creating the post
    headers = bearer(user, registered_app)
    claimed, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def first() -> None:
        def create() -> Post:
            claimed.set()
            release.wait(10)
            return posts.post_create(author=user.account, text="Race", visibility="public")

        try:
            results["first"] = post_once(author=user.account, key="same", create=create)
        finally:
            connection.close()

    def retry() -> None:
        try:
            claimed.wait(10)
            results["retry"] = Client().post(
                "/api/v1/statuses", {"status": "Race"}, headers=keyed(headers, "same")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=retry)]
    for thread in threads:
        thread.start()
    # When the retry arrives meanwhile (it waits on the key's row), then the first finishes
    assert claimed.wait(10)
    time.sleep(0.5)
    release.set()
    for thread in threads:
        thread.join(30)
    # Then one post exists, and the retry answered with it
    post, created = results["first"]
    assert created is True
    assert results["retry"].status_code == 200
    assert results["retry"].json()["id"] == str(post.pk)
    assert Post.objects.count() == 1
    assert IdempotencyKey.objects.get().post_id == post.pk


# --- Reading -----------------------------------------------------------------------------------


def test_read_a_status_anonymously(client: Client, user: User, check: Any) -> None:
    post = new_post(user, "Public words")
    for path in (f"/api/v1/statuses/{post.pk}", f"/api/v1/statuses/{post.pk}/"):
        response = client.get(path)
        assert response.status_code == 200
        check("Status", response.json())
    assert response.json()["content"].startswith("<p>Public words")


@pytest.mark.parametrize("status_id", ["abc", "0", "-5", "99999999999999999999999", "12345"])
def test_unknown_ids_are_404(client: Client, ana: Headers, check: Any, status_id: str) -> None:
    for response in (
        client.get(f"/api/v1/statuses/{status_id}", headers=ana),
        client.get(f"/api/v1/statuses/{status_id}/context", headers=ana),
        client.post(f"/api/v1/statuses/{status_id}/favourite", headers=ana),
        client.delete(f"/api/v1/statuses/{status_id}", headers=ana),
    ):
        assert response.status_code == 404
        check("Error", response.json())


def test_followers_only_post_needs_a_follow(
    client: Client, user: User, other_user: User, ana: Headers, check: Any
) -> None:
    # Given Bruno's followers-only post, which Ana may not see
    post = new_post(other_user, "Friends only", "private")
    paths = [
        f"/api/v1/statuses/{post.pk}",
        f"/api/v1/statuses/{post.pk}/context",
        f"/api/v1/statuses/{post.pk}/history",
        f"/api/v1/statuses/{post.pk}/source",
        f"/api/v1/statuses/{post.pk}/favourited_by",
        f"/api/v1/statuses/{post.pk}/reblogged_by",
    ]
    for path in paths:
        response = client.get(path, headers=ana)
        assert response.status_code == 404, path
        check("Error", response.json())
    for action in ("favourite", "bookmark", "reblog"):
        assert client.post(f"/api/v1/statuses/{post.pk}/{action}", headers=ana).status_code == 404
    assert not Favourite.objects.exists()
    assert not Bookmark.objects.exists()
    assert client.get(paths[0]).status_code == 404  # nor anonymously
    # When she follows him, she may
    graph.follow(actor=user.account, target=other_user.account)
    response = client.get(paths[0], headers=ana)
    assert response.status_code == 200
    check("Status", response.json())


def test_a_block_hides_even_public_posts(
    client: Client, user: User, other_user: User, ana: Headers, check: Any
) -> None:
    post = new_post(other_user, "Public")
    graph.block(actor=other_user.account, target=user.account)
    response = client.get(f"/api/v1/statuses/{post.pk}", headers=ana)
    assert response.status_code == 404
    check("Error", response.json())
    assert client.get(f"/api/v1/statuses/{post.pk}").status_code == 200  # logged out still sees


def test_several_statuses_by_id(
    client: Client, user: User, other_user: User, ana: Headers, check: Any
) -> None:
    # Given two of Bruno's posts Ana may see and one she may not
    first, second = new_post(other_user, "one"), new_post(other_user, "two")
    hidden = new_post(other_user, "three", "private")
    query = f"id[]={second.pk}&id[]={hidden.pk}&id[]=junk&id[]={first.pk}&id[]={second.pk}"
    response = client.get(f"/api/v1/statuses?{query}", headers=ana)
    assert response.status_code == 200
    data = response.json()
    check("Status[]", data)
    assert [s["id"] for s in data] == [str(second.pk), str(first.pk)]
    # `id=` alone works too
    single = client.get("/api/v1/statuses", {"id": str(first.pk)})
    assert [s["id"] for s in single.json()] == [str(first.pk)]
    assert client.get("/api/v1/statuses", headers=ana).json() == []


def test_ten_thousand_ids_are_clamped(
    client: Client, user: User, ana: Headers, check: Any, django_assert_max_num_queries: Any
) -> None:
    made = [new_post(user, f"post {n}") for n in range(45)]
    ids = [str(p.pk) for p in made] + [str(n) for n in range(1, 10_000)]
    query = "&".join(f"id[]={pk}" for pk in ids)
    with django_assert_max_num_queries(12):
        response = client.get(f"/api/v1/statuses?{query}", headers=ana)
    assert response.status_code == 200
    check("Status[]", response.json())
    assert len(response.json()) == 40


def _thread(author: User, replier: User, replies: int) -> Post:
    root = new_post(author, "root")
    parent = root
    for n in range(replies):
        parent = posts.post_create(
            author=replier.account if n % 2 else author.account,
            text=f"reply {n}",
            visibility="public",
            in_reply_to=parent if n % 3 else root,
        )
    return root


def test_context_orders_and_filters_the_thread(
    client: Client, user: User, other_user: User, ana: Headers, check: Any
) -> None:
    # Given a thread: root <- a <- b, a <- hidden (followers-only, Ana doesn't follow Bruno)
    # and root <- c; Ana asks for the context of `a`
    root = new_post(user, "root")
    a = new_post(other_user, "a", in_reply_to=root)
    b = new_post(user, "b", in_reply_to=a)
    hidden = new_post(other_user, "hidden", "private", in_reply_to=a)
    new_post(other_user, "under hidden", in_reply_to=hidden)
    b2 = new_post(user, "b2", in_reply_to=b)
    c = new_post(user, "c", in_reply_to=root)
    response = client.get(f"/api/v1/statuses/{a.pk}/context", headers=ana)
    assert response.status_code == 200
    data = response.json()
    check("Context", data)
    assert [s["id"] for s in data["ancestors"]] == [str(root.pk)]
    assert [s["id"] for s in data["descendants"]] == [str(b.pk), str(b2.pk)]
    # And from the root, everything visible below it in thread order
    whole = client.get(f"/api/v1/statuses/{root.pk}/context").json()
    assert [s["id"] for s in whole["descendants"]] == [
        str(a.pk),
        str(b.pk),
        str(b2.pk),
        str(c.pk),
    ]
    assert whole["ancestors"] == []


def test_context_costs_the_same_for_3_or_30_replies(
    client: Client, user: User, other_user: User, ana: Headers
) -> None:
    small, large = _thread(user, other_user, 3), _thread(user, other_user, 30)
    client.get(f"/api/v1/statuses/{small.pk}/context", headers=ana)  # warms the filters cache
    counts = []
    for root in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/statuses/{root.pk}/context", headers=ana)
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(client.get(f"/api/v1/statuses/{large.pk}/context").json()["descendants"]) == 30
    assert counts[0] == counts[1], counts


def test_history_and_source(client: Client, user: User, ana: Headers, check: Any) -> None:
    # Given a post edited twice
    post = new_post(user, "First")
    posts.post_edit(post=post, editor=user.account, text="Second", spoiler_text="", sensitive=False)
    posts.post_edit(
        post=post, editor=user.account, text="Third", spoiler_text="cw", sensitive=False
    )
    # When its history is read
    response = client.get(f"/api/v1/statuses/{post.pk}/history")
    # Then it has every version, oldest first, ending with the current one
    assert response.status_code == 200
    data = response.json()
    check("StatusEdit[]", data)
    assert [v["content"][:10] for v in data] == ["<p>First</", "<p>Second<", "<p>Third</"]
    assert data[-1]["sensitive"] is True
    assert data[-1]["spoiler_text"] == "cw"
    # And the source is the text as typed
    source = client.get(f"/api/v1/statuses/{post.pk}/source", headers=ana)
    assert source.status_code == 200
    check("StatusSource", source.json())
    assert source.json() == {"id": str(post.pk), "text": "Third", "spoiler_text": "cw"}
    # A post never edited has one version
    fresh = new_post(user, "Once")
    assert len(client.get(f"/api/v1/statuses/{fresh.pk}/history").json()) == 1
    # Reading the source needs a token
    anonymous = client.get(f"/api/v1/statuses/{post.pk}/source")
    assert anonymous.status_code == 401
    check("Error", anonymous.json())


# --- Editing and deleting ----------------------------------------------------------------------


def test_edit_a_status(client: Client, user: User, ana: Headers, check: Any) -> None:
    post = new_post(user, "Typo", language="en")
    response = client.put(
        f"/api/v1/statuses/{post.pk}",
        json.dumps({"status": "Fixed", "spoiler_text": "cw", "language": "en"}),
        content_type="application/json",
        headers=ana,
    )
    assert response.status_code == 200, response.content
    data = response.json()
    check("Status", data)
    assert data["content"].startswith("<p>Fixed")
    assert data["sensitive"] is True
    assert data["edited_at"] is not None
    post.refresh_from_db()
    assert (post.text, post.spoiler_text) == ("Fixed", "cw")
    assert len(client.get(f"/api/v1/statuses/{post.pk}/history").json()) == 2
    # A form body works as well; fields left out keep their value
    form = client.put(
        f"/api/v1/statuses/{post.pk}",
        "status=Again&sensitive=1",
        content_type="application/x-www-form-urlencoded",
        headers=ana,
    )
    assert form.status_code == 200
    post.refresh_from_db()
    assert (post.text, post.spoiler_text, post.sensitive) == ("Again", "cw", True)


def test_edit_refusals(
    client: Client, user: User, other_user: User, ana: Headers, check: Any, settings: Any
) -> None:
    mine, theirs = new_post(user, "Mine"), new_post(other_user, "Theirs")

    def put(post: Post, body: dict[str, Any]) -> Any:
        return client.put(
            f"/api/v1/statuses/{post.pk}",
            json.dumps(body),
            content_type="application/json",
            headers=ana,
        )

    forbidden = put(theirs, {"status": "Mine now"})
    assert forbidden.status_code == 403
    check("Error", forbidden.json())
    settings.HEARTH_MAX_POST_CHARS = 10
    too_long = put(mine, {"status": "x" * 11})
    assert too_long.status_code == 422
    assert error_fields(too_long) == {"status"}
    photos = put(mine, {"status": "x", "media_ids": ["1"]})
    assert photos.status_code == 422
    assert error_fields(photos) == {"media_ids"}
    poll = put(mine, {"status": "x", "poll": {"options": ["a", "b"]}})
    assert error_fields(poll) == {"poll"}
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.text, mine.text) == ("Theirs", "Mine")


def test_delete_returns_the_source(
    client: Client, user: User, other_user: User, ana: Headers, bruno: Headers, check: Any
) -> None:
    post = new_post(user, "Bye #now")
    forbidden = client.delete(f"/api/v1/statuses/{post.pk}", headers=bruno)
    assert forbidden.status_code == 403
    check("Error", forbidden.json())
    response = client.delete(f"/api/v1/statuses/{post.pk}", headers=ana)
    assert response.status_code == 200
    data = response.json()
    check("Status", data)
    assert data["text"] == "Bye #now"
    assert not Post.objects.filter(pk=post.pk).exists()
    assert client.get(f"/api/v1/statuses/{post.pk}", headers=ana).status_code == 404


# --- Actions -----------------------------------------------------------------------------------


def test_favourite_and_bookmark(
    client: Client, user: User, other_user: User, ana: Headers, check: Any
) -> None:
    post = new_post(other_user, "Nice")
    base = f"/api/v1/statuses/{post.pk}"
    liked = client.post(f"{base}/favourite", headers=ana)
    assert liked.status_code == 200
    check("Status", liked.json())
    assert (liked.json()["favourited"], liked.json()["favourites_count"]) == (True, 1)
    assert client.post(f"{base}/favourite", headers=ana).json()["favourites_count"] == 1
    saved = client.post(f"{base}/bookmark", headers=ana)
    check("Status", saved.json())
    assert saved.json()["bookmarked"] is True
    assert Bookmark.objects.filter(account=user.account, post=post).exists()
    unliked = client.post(f"{base}/unfavourite", headers=ana)
    check("Status", unliked.json())
    assert (unliked.json()["favourited"], unliked.json()["favourites_count"]) == (False, 0)
    unsaved = client.post(f"{base}/unbookmark/", headers=ana)
    check("Status", unsaved.json())
    assert unsaved.json()["bookmarked"] is False
    assert not Favourite.objects.exists()
    assert not Bookmark.objects.exists()


def test_reblog_returns_the_wrapper(
    client: Client, user: User, other_user: User, ana: Headers, check: Any
) -> None:
    post = new_post(other_user, "Share me")
    response = client.post(f"/api/v1/statuses/{post.pk}/reblog", headers=ana)
    assert response.status_code == 200
    data = response.json()
    check("Status", data)
    assert data["id"] != str(post.pk)
    assert data["account"]["acct"] == "ana"
    assert data["reblog"]["id"] == str(post.pk)
    assert data["reblog"]["reblogged"] is True
    assert data["reblog"]["reblogs_count"] == 1
    again = client.post(f"/api/v1/statuses/{post.pk}/reblog", headers=ana)
    assert again.json()["id"] == data["id"]
    # Reading the wrapper gives the wrapper; undoing answers with the original
    assert client.get(f"/api/v1/statuses/{data['id']}").json()["reblog"]["id"] == str(post.pk)
    undone = client.post(f"/api/v1/statuses/{post.pk}/unreblog", headers=ana)
    assert undone.status_code == 200
    check("Status", undone.json())
    assert undone.json()["id"] == str(post.pk)
    assert (undone.json()["reblogged"], undone.json()["reblogs_count"]) == (False, 0)
    assert not Post.objects.filter(reblog_of=post).exists()


def test_private_and_direct_posts_cant_be_reblogged(
    client: Client, user: User, other_user: User, ana: Headers, check: Any
) -> None:
    # Given Ana follows Bruno and sees his followers-only post, and his direct post to her
    graph.follow(actor=user.account, target=other_user.account)
    private = new_post(other_user, "Followers", "private")
    direct = new_post(other_user, "@ana hi", "direct")
    for post in (private, direct):
        response = client.post(f"/api/v1/statuses/{post.pk}/reblog", headers=ana)
        assert response.status_code == 422
        check("Error", response.json())
    assert not Post.objects.filter(reblog_of__isnull=False).exists()


def test_pin_and_unpin(
    client: Client, user: User, other_user: User, ana: Headers, check: Any
) -> None:
    mine, theirs = new_post(user, "Mine"), new_post(other_user, "Theirs")
    pinned = client.post(f"/api/v1/statuses/{mine.pk}/pin", headers=ana)
    assert pinned.status_code == 200
    check("Status", pinned.json())
    assert pinned.json()["pinned"] is True
    refused = client.post(f"/api/v1/statuses/{theirs.pk}/pin", headers=ana)
    assert refused.status_code == 422
    check("Error", refused.json())
    unpinned = client.post(f"/api/v1/statuses/{mine.pk}/unpin", headers=ana)
    check("Status", unpinned.json())
    assert unpinned.json()["pinned"] is False
    assert not Pin.objects.exists()


def test_favourited_by_and_reblogged_by_page_with_links(
    client: Client,
    user: User,
    other_user: User,
    ana: Headers,
    check: Any,
    django_assert_max_num_queries: Any,
) -> None:
    # Given Ana's post liked and reposted by five members, one of whom Ana then blocks
    post = new_post(user, "Popular")
    fans = [make_user(f"fan{n}") for n in range(5)]
    for fan in fans:
        posts.favourite(actor=fan.account, post=post)
        posts.reblog(actor=fan.account, post=post)
    graph.block(actor=user.account, target=fans[0].account)
    for what in ("favourited_by", "reblogged_by"):
        path = f"/api/v1/statuses/{post.pk}/{what}"
        # When the first page of two is read
        with django_assert_max_num_queries(8):
            first = client.get(path, {"limit": "2"}, headers=ana)
        assert first.status_code == 200
        check("Account[]", first.json())
        assert [a["acct"] for a in first.json()] == ["fan4", "fan3"]
        link = first.headers["Link"]
        assert link.startswith(f"<http://testserver{path}?limit=2&max_id=")
        # Then following the Link gives the next ones, and the blocked fan never shows
        next_url = link.split(">")[0].lstrip("<").removeprefix("http://testserver")
        second = client.get(next_url, headers=ana)
        check("Account[]", second.json())
        assert [a["acct"] for a in second.json()] == ["fan2", "fan1"]
        last = client.get(second.headers["Link"].split(">")[0][1:], headers=ana)
        assert last.json() == []
        # Anonymous callers see it too (fan0 included: no block applies)
        assert len(client.get(path).json()) == 5
    # A wrapper's id answers for the original
    wrapper = Post.objects.filter(reblog_of=post, author=fans[1].account).first()
    assert wrapper is not None
    by = client.get(f"/api/v1/statuses/{wrapper.pk}/favourited_by", headers=ana).json()
    assert len(by) == 4


def test_polls_and_conversation_mutes_dont_exist(
    client: Client, user: User, ana: Headers, check: Any
) -> None:
    post = new_post(user)
    for response in (
        client.get("/api/v1/polls/1", headers=ana),
        client.get("/api/v1/polls/1"),
        client.post("/api/v1/polls/1/votes", {"choices[]": ["0"]}, headers=ana),
        client.post(f"/api/v1/statuses/{post.pk}/mute", headers=ana),
        client.post(f"/api/v1/statuses/{post.pk}/unmute", headers=ana),
    ):
        assert response.status_code == 404
        check("Error", response.json())
