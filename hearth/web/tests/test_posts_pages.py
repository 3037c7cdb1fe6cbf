"""Post pages and actions through the test client: writing, replying, the thread, edit, history,
delete, likes, reposts, bookmarks and pins, with and without htmx, and bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models.user import Visibility
from hearth.graph import services as graph
from hearth.posts import services as posts
from hearth.posts.models import Bookmark, Favourite, Pin, Post
from hearth.posts.tests.factories import fresh, make_account, make_post

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ana(user):
    return user.account


@pytest.fixture
def bruno(other_user):
    return other_user.account


def url(post):
    return f"/@{post.author.username}/{post.pk}"


# --- Writing ---------------------------------------------------------------------------------


def test_posting_from_home_publishes_and_shows_it(client_with_user, ana):
    response = client_with_user.post(
        "/posts", {"text": "Hello, #hearth!", "visibility": "public", "next": "/"}, follow=True
    )
    post = Post.objects.get(author=ana)
    assert post.text == "Hello, #hearth!"
    assert response.redirect_chain == [("/", 302)]
    body = response.content.decode()
    assert "Posted." in body
    assert "Hello, " in body
    assert 'href="/tags/hearth"' in body


def test_posting_costs_a_fixed_number_of_queries(client_with_user, ana, bruno, settings):
    # Given the checks a real server makes on every post: rate limits, blocked phrases and the
    # spam heuristic, and a tag already in use
    settings.HEARTH_RATE_LIMITS_ENABLED = True
    settings.HEARTH_SPAM_CHECK_ENABLED = True
    make_post(bruno, "Hi #hearth")
    client_with_user.get("/")
    # When Ana posts a text with a tag and a mention
    with CaptureQueriesContext(connection) as queries:
        response = client_with_user.post(
            "/posts", {"text": "Hello #Hearth @bruno", "visibility": "public"}
        )
    # Then it is posted with no query beyond these: the session's user and Ana's account, the
    # mentioned account, the repeat count (spam), the post, its mention, the tag and its link,
    # her post count, the fan-out job, the session's flash message (and, in a test,
    # savepoints instead of BEGIN/COMMIT). What runs after commit (realtime, tasks) is not here.
    assert response.status_code == 302
    post = Post.objects.get(author=ana)
    assert [link.hashtag.name for link in post.hashtag_links.all()] == ["hearth"]
    assert [mention.account_id for mention in post.mentions.all()] == [bruno.pk]
    sql = [query["sql"] for query in queries.captured_queries]
    assert len(sql) <= POST_QUERIES, "\n".join(sql)


#: Queries of a web POST /posts (test_posting_costs_a_fixed_number_of_queries).
POST_QUERIES = 15


def test_compose_defaults_to_the_members_visibility(client_with_user, user):
    user.default_visibility = Visibility.PRIVATE
    user.save(update_fields=["default_visibility"])
    body = client_with_user.get("/").content.decode()
    assert '<option value="private" selected>' in body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": "", "visibility": "public"}, "text", "Write something to post."),
        ({"text": "a" * 501, "visibility": "public"}, "text", "Keep it to 500 characters"),
        ({"text": "\u200b\u200d\ufeff", "visibility": "public"}, "text", "Write something"),
        ({"text": "Hi", "visibility": "galaxy"}, "visibility", "Select a valid choice"),
        (
            {"text": "Hi", "visibility": "public", "spoiler_text": "w" * 501},
            "spoiler_text",
            "Keep the content warning to 500",
        ),
        ({"text": "nobody mentioned", "visibility": "direct"}, "text", "Mention at least one"),
    ],
)
def test_bad_posts_are_refused_next_to_the_field_keeping_the_text(
    client_with_user, data, field, message
):
    response = client_with_user.post("/posts", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    # The error sits in the field's own block, and what was typed is still there
    assert "field--error" in body
    if data["text"].strip():
        assert data["text"][:50] in body
    assert not Post.objects.exists()


@pytest.mark.parametrize("case", ["deleted", "invisible", "junk"])
def test_replying_to_a_missing_or_hidden_post_is_a_clear_error(client_with_user, ana, bruno, case):
    parent = make_post(bruno, "secret", visibility=Visibility.PRIVATE)
    target = {"deleted": parent.pk, "invisible": parent.pk, "junk": "99999999999999999999999"}
    if case == "deleted":
        graph.follow(actor=ana, target=bruno)
        posts.post_delete(post=parent, actor=bruno)
    response = client_with_user.post(
        "/posts", {"text": "my reply", "visibility": "public", "in_reply_to": target[case]}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The post you’re replying to is no longer available." in body
    assert "my reply" in body
    assert not Post.objects.filter(author=ana).exists()


def test_reply_from_the_post_page_threads_it(client_with_user, ana, bruno):
    parent = make_post(bruno, "question?")
    page = client_with_user.get(url(parent)).content.decode()
    assert 'id="reply"' in page
    assert "@bruno " in page
    response = client_with_user.post(
        "/posts", {"text": "@bruno answer", "visibility": "public", "in_reply_to": parent.pk}
    )
    reply = Post.objects.get(author=ana)
    assert response.status_code == 302
    assert response["Location"] == url(reply)
    assert reply.in_reply_to == parent
    assert fresh(parent).replies_count == 1
    assert "answer" in client_with_user.get(url(parent)).content.decode()


def test_a_failed_reply_redraws_the_thread_with_the_text(client_with_user, bruno):
    parent = make_post(bruno, "question?")
    response = client_with_user.post(
        "/posts", {"text": "x" * 600, "visibility": "public", "in_reply_to": parent.pk}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "question?" in body
    assert "x" * 600 in body
    assert "Keep it to 500" in body


def test_posting_needs_a_login(client, db):
    response = client.post("/posts", {"text": "hi", "visibility": "public"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Post.objects.exists()


# --- The post page ---------------------------------------------------------------------------


def test_post_page_shows_ancestors_post_and_threaded_replies(client, bruno, ana):
    root = make_post(bruno, "the root")
    middle = make_post(ana, "@bruno the middle", in_reply_to=root)
    reply = make_post(bruno, "@ana a reply", in_reply_to=middle)
    deep = reply
    for n in range(5):
        deep = make_post(ana, f"@bruno deep {n}", in_reply_to=deep)
    body = client.get(url(middle)).content.decode()
    body = body[body.index("<main") :]  # the title names the post too
    assert body.index("the root") < body.index("the middle") < body.index("a reply")
    assert "post--focus" in body
    assert "Replying to" in body
    # Indentation stops at four steps
    assert "--depth: 4" in body
    assert "--depth: 5" not in body
    assert "Log in</a> to reply" in body


def test_post_page_collapses_replies_beyond_twenty(client, bruno, ana):
    root = make_post(bruno, "popular")
    for n in range(23):
        make_post(ana, f"@bruno reply number {n:02d}", in_reply_to=root)
    body = client.get(url(root)).content.decode()
    assert "reply number 19" in body
    assert "reply number 20" not in body
    assert "Show 3 more replies" in body
    full = client.get(url(root) + "?replies=all").content.decode()
    assert "reply number 22" in full


def test_post_page_redirects_a_wrong_username_and_404s_the_invisible(client, bruno, ana):
    post = make_post(bruno, "hello")
    response = client.get(f"/@ana/{post.pk}")
    assert response.status_code == 302
    assert response["Location"] == url(post)
    hidden = make_post(bruno, "followers", visibility=Visibility.PRIVATE)
    assert client.get(url(hidden)).status_code == 404
    assert client.get(f"/@ana/{hidden.pk}").status_code == 404  # no redirect leaks it


@pytest.mark.parametrize(
    "path",
    [
        "/@bruno/18446744073709551617",
        "/@bruno/99999999999999999999999999999",
        "/@bruno/0",
        "/@bruno/12/history",
        "/@bruno/99999999999999999999999999999/edit",
    ],
)
def test_impossible_post_ids_are_404_not_500(client_with_user, bruno, path):
    assert client_with_user.get(path).status_code == 404


def test_a_reposts_address_leads_to_the_original(client, ana, bruno):
    original = make_post(bruno, "original")
    repost = posts.reblog(actor=ana, post=original)
    response = client.get(f"/@ana/{repost.pk}")
    assert response.status_code == 302
    assert response["Location"] == url(original)


@pytest.mark.parametrize("replies", [3, 40])
def test_post_page_query_count_does_not_grow_with_replies(
    client_with_user, ana, bruno, replies, django_assert_max_num_queries
):
    root = make_post(bruno, "root #tag @ana")
    parent = root
    for n in range(replies):
        author = ana if n % 2 else make_account()
        reply = make_post(author, f"@bruno reply {n} #tag", in_reply_to=parent)
        if n % 5 == 0:
            parent = reply
        posts.favourite(actor=ana, post=reply)
    client_with_user.get("/")
    # Session and user, the member's account, the post, the thread (3), hydrate (3), the
    # accounts replied to: the same for 3 or 40 replies
    with django_assert_max_num_queries(14):
        response = client_with_user.get(url(root))
    assert response.status_code == 200


# --- Actions ---------------------------------------------------------------------------------


def test_like_and_unlike_without_js_redirect_back_with_a_message(client_with_user, ana, bruno):
    post = make_post(bruno, "like me")
    response = client_with_user.post(
        f"/posts/{post.pk}/favourite", {"next": "/public"}, follow=True
    )
    assert response.redirect_chain == [("/public", 302)]
    assert "Liked." in response.content.decode()
    assert Favourite.objects.filter(account=ana, post=post).exists()
    assert fresh(post).favourites_count == 1
    client_with_user.post(f"/posts/{post.pk}/unfavourite")
    assert fresh(post).favourites_count == 0


def test_next_pointing_elsewhere_is_ignored(client_with_user, bruno):
    post = make_post(bruno, "like me")
    response = client_with_user.post(
        f"/posts/{post.pk}/favourite", {"next": "https://evil.example/"}
    )
    assert response["Location"] == url(post)


def test_like_with_htmx_returns_only_the_card_with_the_new_count(client_with_user, ana, bruno):
    post = make_post(bruno, "like me")
    response = client_with_user.post(f"/posts/{post.pk}/favourite", {"card": post.pk}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<article")
    assert "<html" not in body
    assert 'aria-pressed="true"' in body
    assert "Unlike (1 like)" in body


def test_repost_and_undo_on_a_reposts_card(client_with_user, ana, bruno):
    original = make_post(bruno, "share me")
    carla = make_account("carla")
    graph.follow(actor=ana, target=carla)
    their_repost = posts.reblog(actor=carla, post=original)
    # When ana reposts from carla's repost card, with htmx
    response = client_with_user.post(
        f"/posts/{original.pk}/reblog", {"card": their_repost.pk}, **HTMX
    )
    body = response.content.decode()
    assert Post.objects.filter(author=ana, reblog_of=original).exists()
    assert "Reposted by" in body
    assert "Undo repost (2)" in body
    # And undoes it without htmx
    client_with_user.post(f"/posts/{original.pk}/unreblog")
    assert not Post.objects.filter(author=ana, reblog_of=original).exists()
    assert fresh(original).reblogs_count == 1


def test_private_posts_cannot_be_reposted(client_with_user, ana, bruno):
    graph.follow(actor=ana, target=bruno)
    post = make_post(bruno, "for followers", visibility=Visibility.PRIVATE)
    page = client_with_user.get(url(post)).content.decode()
    assert "Followers-only posts can’t be reposted" in page
    response = client_with_user.post(f"/posts/{post.pk}/reblog", follow=True)
    assert "You can’t repost followers-only or direct posts." in response.content.decode()
    htmx = client_with_user.post(f"/posts/{post.pk}/reblog", **HTMX).content.decode()
    assert "You can’t repost followers-only or direct posts." in htmx
    assert not Post.objects.filter(reblog_of=post).exists()


def test_bookmark_and_pin(client_with_user, ana, bruno):
    post = make_post(bruno, "keep")
    client_with_user.post(f"/posts/{post.pk}/bookmark")
    assert Bookmark.objects.filter(account=ana, post=post).exists()
    assert "keep" in client_with_user.get("/bookmarks").content.decode()
    client_with_user.post(f"/posts/{post.pk}/unbookmark")
    assert "No bookmarks yet" in client_with_user.get("/bookmarks").content.decode()
    # Pinning someone else's post is refused with a message
    response = client_with_user.post(f"/posts/{post.pk}/pin", follow=True)
    assert "You can only pin your own posts." in response.content.decode()
    mine = make_post(ana, "my best post")
    client_with_user.post(f"/posts/{mine.pk}/pin")
    assert Pin.objects.filter(account=ana, post=mine).exists()
    profile = client_with_user.get("/@ana").content.decode()
    assert "Pinned" in profile
    assert "Unpin from profile" in profile


def test_actions_need_a_login_a_post_and_a_known_action(client, client_with_user, bruno):
    post = make_post(bruno, "hi")
    assert client.post(f"/posts/{post.pk}/favourite").status_code == 302
    assert client_with_user.post(f"/posts/{post.pk}/explode").status_code == 404
    assert client_with_user.post("/posts/99999999999999999999999/favourite").status_code == 404
    assert client_with_user.get(f"/posts/{post.pk}/favourite").status_code == 405
    hidden = make_post(bruno, "psst", visibility=Visibility.PRIVATE)
    assert client_with_user.post(f"/posts/{hidden.pk}/favourite").status_code == 404


# --- Edit, history, delete -------------------------------------------------------------------


def test_edit_keeps_the_history(client_with_user, ana, bruno):
    post = make_post(ana, "first words")
    assert client_with_user.get(f"/@ana/{post.pk}/edit").status_code == 200
    response = client_with_user.post(
        f"/@ana/{post.pk}/edit", {"text": "second words", "spoiler_text": ""}
    )
    assert response.status_code == 302
    assert fresh(post).text == "second words"
    page = client_with_user.get(url(post)).content.decode()
    assert "Edited" in page
    assert f"/@ana/{post.pk}/history" in page
    history = client_with_user.get(f"/@ana/{post.pk}/history").content.decode()
    assert history.index("second words") < history.index("first words")


def test_edit_errors_keep_the_text_and_others_cannot_edit(client_with_user, ana, bruno):
    post = make_post(ana, "first words")
    response = client_with_user.post(f"/@ana/{post.pk}/edit", {"text": "", "spoiler_text": ""})
    assert response.status_code == 400
    assert "Write something to post." in response.content.decode()
    assert fresh(post).text == "first words"
    theirs = make_post(bruno, "not yours")
    assert client_with_user.get(f"/@bruno/{theirs.pk}/edit").status_code == 404
    assert client_with_user.post(f"/@bruno/{theirs.pk}/delete").status_code == 404
    assert fresh(theirs).text == "not yours"


def test_delete_asks_first_then_removes_from_home_and_profile(client_with_user, ana):
    post = make_post(ana, "regrettable")
    confirm = client_with_user.get(f"/@ana/{post.pk}/delete").content.decode()
    assert "Delete this post?" in confirm
    assert "regrettable" in confirm
    assert Post.objects.filter(pk=post.pk).exists()
    response = client_with_user.post(f"/@ana/{post.pk}/delete", follow=True)
    assert "Your post is deleted." in response.content.decode()
    assert not Post.objects.filter(pk=post.pk).exists()
    assert "regrettable" not in client_with_user.get("/").content.decode()
    assert "regrettable" not in client_with_user.get("/@ana").content.decode()


def test_delete_with_htmx_swaps_the_card_out(client_with_user, ana):
    post = make_post(ana, "gone soon")
    response = client_with_user.post(f"/@ana/{post.pk}/delete", **HTMX)
    assert response.status_code == 200
    assert response.content == b""
    assert not Post.objects.filter(pk=post.pk).exists()


# --- The relative time filter ----------------------------------------------------------------


def test_reltime_is_short_and_turns_into_a_date():
    from datetime import UTC, datetime, timedelta

    from hearth.web.templatetags.hearth_tags import reltime

    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert reltime(now - timedelta(seconds=20), now) == "now"
    assert reltime(now - timedelta(minutes=5), now) == "5m"
    assert reltime(now - timedelta(hours=3), now) == "3h"
    assert reltime(now - timedelta(days=2), now) == "2d"
    assert reltime(datetime(2026, 11, 2, 12, 0, tzinfo=UTC), now) == "Nov 2"
    assert reltime(datetime(2024, 3, 9, 12, 0, tzinfo=UTC), now) == "Mar 9, 2024"


def test_removing_a_content_warning_in_an_edit_unmarks_the_post(client_with_user, ana):
    post = make_post(ana, "hidden", spoiler_text="spoilers")
    client_with_user.post(f"/@ana/{post.pk}/edit", {"text": "hidden", "spoiler_text": ""})
    post = fresh(post)
    assert post.spoiler_text == ""
    assert not post.sensitive
