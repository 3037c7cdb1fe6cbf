import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.accounts.deletion import account_erase
from hearth.accounts.models import Account
from hearth.accounts.models.user import Visibility
from hearth.graph import services as graph
from hearth.posts import services
from hearth.posts.errors import (
    NotAuthorError,
    PinNotAllowedError,
    PostActionError,
    PostUnavailableError,
    ReblogNotAllowedError,
)
from hearth.posts.models import Bookmark, Favourite, Hashtag, Mention, Pin, Post, PostEdit
from hearth.posts.selectors import hydrate
from hearth.posts.tests.factories import fresh, make_account, make_post


def posts_count(account):
    return Account.objects.get(pk=account.pk).posts_count


def field_errors(excinfo):
    return excinfo.value.message_dict


# --- post_create -------------------------------------------------------------------------------


def test_create_stores_source_renders_html_and_counts(ana, bruno):
    # Given Ana, and Bruno who exists
    # When Ana posts with a mention, a tag and a link
    post = make_post(ana, "Hi @bruno, #Hearth is up: https://example.org", language="en")

    # Then the source is kept as typed, the HTML is rendered once, and rows follow the text
    post = fresh(post)
    assert post.text == "Hi @bruno, #Hearth is up: https://example.org"
    assert 'href="/@bruno"' in post.content_html
    assert 'href="/tags/Hearth"' in post.content_html
    assert 'href="https://example.org"' in post.content_html
    assert post.language == "en"
    assert list(Mention.objects.filter(post=post).values_list("account_id", flat=True)) == [
        bruno.pk
    ]
    assert list(post.hashtag_links.values_list("hashtag__name", flat=True)) == ["Hearth"]
    assert posts_count(ana) == 1


def test_create_signals_after_commit(ana, captured_signals, django_capture_on_commit_callbacks):
    # When a post with two hashtags is created
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(ana, "#Hearth and #cats, #hearth again", Visibility.UNLISTED)
        # Then nothing is sent before the commit
        assert captured_signals == []
    # and post_created carries the id once committed, with what describes the post (one name
    # per tag, as first typed)
    assert captured_signals == [
        (
            "post_created",
            {
                "post_id": post.pk,
                "author_id": ana.pk,
                "visibility": Visibility.UNLISTED,
                "hashtags": ("Hearth", "cats"),
                "mentions": (),
                "in_reply_to_account_id": None,
            },
        )
    ]


def test_hashtags_are_shared_whatever_the_letter_case(ana, bruno):
    # Given a tag used once
    make_post(ana, "#Hearth")
    # When someone uses it in another case
    make_post(bruno, "#hearth rocks")
    # Then there is one tag, named as first used, linked to both posts
    assert list(Hashtag.objects.values_list("name", flat=True)) == ["Hearth"]
    assert Hashtag.objects.get().post_links.count() == 2


def test_a_posts_tags_are_found_in_one_query_and_new_ones_made(ana, bruno):
    # Given two tags in use
    make_post(ana, "#Hearth #Cats")
    # When a post uses them in other cases, with a new tag between them
    with CaptureQueriesContext(connection) as queries:
        post = make_post(bruno, "#cats #Dogs #HEARTH")
    # Then the existing ones are linked, the new one made as typed, all in the post's order
    names = list(post.hashtag_links.order_by("pk").values_list("hashtag__name", flat=True))
    assert names == ["Cats", "Dogs", "Hearth"]
    assert sorted(Hashtag.objects.values_list("name", flat=True)) == ["Cats", "Dogs", "Hearth"]
    # And the existing ones were looked up together
    lookups = [q["sql"] for q in queries.captured_queries if 'FROM "posts_hashtag"' in q["sql"]]
    assert len(lookups) == 1, lookups


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write something to post."),
        ("   \n ", "Write something to post."),
        ("\u200b\u200c\u200d\u2060\ufeff", "Write something to post."),
        ("x" * 501, "Keep it to 500 characters or fewer (this is 501)."),
    ],
)
def test_create_refuses_empty_and_too_long_text(ana, text, message):
    with pytest.raises(ValidationError) as excinfo:
        make_post(ana, text)
    assert field_errors(excinfo) == {"text": [message]}
    assert Post.objects.count() == 0
    assert posts_count(ana) == 0


def test_exactly_500_characters_and_long_links_are_accepted(ana):
    # Given 500 characters, and a text whose long link counts as 23
    make_post(ana, "x" * 500)
    make_post(ana, "x" * 470 + " https://example.org/" + "y" * 200)
    assert Post.objects.count() == 2


def test_limit_follows_the_setting(ana, settings):
    settings.HEARTH_MAX_POST_CHARS = 10
    with pytest.raises(ValidationError) as excinfo:
        make_post(ana, "x" * 11)
    assert field_errors(excinfo)["text"] == ["Keep it to 10 characters or fewer (this is 11)."]


def test_create_reports_every_bad_field_at_once(ana):
    with pytest.raises(ValidationError) as excinfo:
        services.post_create(
            author=ana, text="", visibility="everyone", spoiler_text="w" * 501, language="xx"
        )
    assert set(field_errors(excinfo)) == {"text", "visibility", "spoiler_text", "language"}
    assert field_errors(excinfo)["visibility"] == ["Choose who can see this post."]


def test_direct_post_needs_a_mention_of_an_existing_account(ana):
    with pytest.raises(ValidationError) as excinfo:
        make_post(ana, "psst @nobody", visibility=Visibility.DIRECT)
    assert "Mention at least one person" in field_errors(excinfo)["text"][0]


def test_content_warning_marks_the_post_sensitive(ana):
    post = make_post(ana, "spoilers", spoiler_text="Film ending")
    assert fresh(post).sensitive is True
    assert post.spoiler_text == "Film ending"


def test_nul_characters_are_dropped(ana):
    post = make_post(ana, "a\x00b")
    assert fresh(post).text == "ab"


def test_reply_counts_on_the_parent_and_records_whom_it_answers(ana, bruno):
    # Given Ana's post
    parent = make_post(ana, "Question?")
    # When Bruno replies
    reply = make_post(bruno, "Answer", in_reply_to=parent)
    # Then the reply points at the post and its author, and the post counts it
    reply = fresh(reply)
    assert reply.in_reply_to_id == parent.pk
    assert reply.in_reply_to_account_id == ana.pk
    assert fresh(parent).replies_count == 1


def test_replying_to_a_repost_replies_to_the_original(ana, bruno, carla):
    original = make_post(ana)
    repost = services.reblog(actor=bruno, post=original)
    reply = make_post(carla, "Reply", in_reply_to=repost)
    assert reply.in_reply_to_id == original.pk


def test_reply_to_a_post_the_author_cannot_see_is_refused(ana, bruno):
    # Given a followers-only post Bruno can't see
    hidden = make_post(ana, "friends only", visibility=Visibility.PRIVATE)
    # When Bruno tries to reply
    with pytest.raises(ValidationError) as excinfo:
        make_post(bruno, "Hi", in_reply_to=hidden)
    # Then he is told it is not available, and nothing is counted
    assert field_errors(excinfo) == {"in_reply_to": ["That post is not available."]}
    assert fresh(hidden).replies_count == 0


def test_reply_across_a_block_is_refused(ana, bruno):
    post = make_post(ana)
    graph.block(actor=ana, target=bruno)
    with pytest.raises(ValidationError):
        make_post(bruno, "Hi", in_reply_to=post)


def test_publishing_returns_the_view_hydrate_would_read_back(ana, bruno):
    # Given a tag Bruno first used as "Hearth"
    make_post(bruno, "Welcome to #Hearth")

    # When Ana publishes a post with that tag in other letters and a new one
    published = services.post_publish(author=ana, text="Hi #HEARTH and #Cats", visibility="public")

    # Then the view it returns is what reading the post back for her gives: the tags as first
    # used, and none of her flags set
    stored = Post.objects.select_related("author").get(pk=published.post.pk)
    (read,) = hydrate(ana, [stored])
    assert published.view == read
    assert published.view is not None
    assert published.view.hashtags == ("Hearth", "Cats")


def test_a_post_mentioning_someone_is_left_to_hydrate(ana, bruno):
    # When Ana publishes a post that mentions Bruno
    published = services.post_publish(author=ana, text="Hi @bruno", visibility="public")

    # Then no view comes back (the mention's account is read by hydrate), but the post does
    assert published.view is None
    assert Mention.objects.get(post=published.post).account_id == bruno.pk


# --- post_edit ---------------------------------------------------------------------------------


def test_edit_keeps_the_old_version_and_follows_the_new_text(
    ana, bruno, carla, captured_signals, django_capture_on_commit_callbacks
):
    # Given a post mentioning Bruno and tagged #old
    post = make_post(ana, "Hi @bruno #old")
    # When Ana edits it to mention Carla and tag #new
    with django_capture_on_commit_callbacks(execute=True):
        edited = services.post_edit(
            post=post, editor=ana, text="Hi @carla #new", spoiler_text="cw", sensitive=False
        )
    # Then the post reads anew, and the old version is kept for readers
    edited = fresh(edited)
    assert edited.text == "Hi @carla #new"
    assert 'href="/@carla"' in edited.content_html
    assert edited.edited_at is not None
    assert edited.sensitive is True  # a content warning implies it
    version = PostEdit.objects.get(post=post)
    assert (version.text, version.spoiler_text, version.sensitive) == ("Hi @bruno #old", "", False)
    assert 'href="/@bruno"' in version.content_html
    assert version.created_at == post.created_at
    assert list(Mention.objects.filter(post=post).values_list("account_id", flat=True)) == [
        carla.pk
    ]
    assert list(post.hashtag_links.values_list("hashtag__name", flat=True)) == ["new"]
    assert ("post_edited", {"post_id": post.pk}) in captured_signals


def test_second_edit_records_the_time_of_the_version_it_replaces(ana):
    post = make_post(ana, "one")
    first = services.post_edit(post=post, editor=ana, text="two", spoiler_text="", sensitive=False)
    services.post_edit(post=post, editor=ana, text="three", spoiler_text="", sensitive=False)
    versions = list(PostEdit.objects.filter(post=post).order_by("created_at"))
    assert [v.text for v in versions] == ["one", "two"]
    assert versions[1].created_at == first.edited_at


def test_saving_unchanged_keeps_no_version(ana):
    post = make_post(ana, "same")
    services.post_edit(post=post, editor=ana, text="same", spoiler_text="", sensitive=False)
    assert PostEdit.objects.count() == 0
    assert fresh(post).edited_at is None


def test_only_the_author_edits(ana, bruno):
    post = make_post(ana, "mine")
    with pytest.raises(NotAuthorError) as excinfo:
        services.post_edit(post=post, editor=bruno, text="yours", spoiler_text="", sensitive=False)
    assert excinfo.value.message == "You can only edit your own posts."
    assert fresh(post).text == "mine"


def test_edit_validates_like_create(ana):
    post = make_post(ana, "@ana note to self", visibility=Visibility.DIRECT)
    with pytest.raises(ValidationError) as excinfo:
        services.post_edit(post=post, editor=ana, text=" ", spoiler_text="", sensitive=False)
    assert field_errors(excinfo) == {"text": ["Write something to post."]}
    with pytest.raises(ValidationError):
        services.post_edit(post=post, editor=ana, text="no one", spoiler_text="", sensitive=False)


def test_reposts_cannot_be_edited(ana, bruno):
    repost = services.reblog(actor=bruno, post=make_post(ana))
    with pytest.raises(PostActionError):
        services.post_edit(post=repost, editor=bruno, text="x", spoiler_text="", sensitive=False)


# --- post_delete -------------------------------------------------------------------------------


def test_delete_cascades_and_settles_counters(
    ana, bruno, carla, captured_signals, django_capture_on_commit_callbacks
):
    # Given Ana's reply to Carla, liked, bookmarked and reposted by Bruno, pinned and edited
    parent = make_post(carla, "Top")
    post = make_post(ana, "Reply #tag @bruno", in_reply_to=parent)
    services.favourite(actor=bruno, post=post)
    services.bookmark(actor=bruno, post=post)
    repost = services.reblog(actor=bruno, post=post)
    services.pin(actor=ana, post=post)
    services.post_edit(post=post, editor=ana, text="Reply!", spoiler_text="", sensitive=False)
    answer = make_post(carla, "Answer", in_reply_to=post)
    assert (posts_count(ana), posts_count(bruno)) == (1, 1)

    # When Ana deletes it
    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=post, actor=ana)

    # Then it and everything hanging on it are gone, replies stay unattached
    assert not Post.objects.filter(pk__in=[post.pk, repost.pk]).exists()
    for model in (Favourite, Bookmark, Pin, PostEdit, Mention):
        assert model.objects.count() == 0
    assert fresh(answer).in_reply_to_id is None
    assert fresh(answer).in_reply_to_account_id == ana.pk
    # and the counters follow
    assert fresh(parent).replies_count == 0
    assert (posts_count(ana), posts_count(bruno)) == (0, 0)
    deleted = [args for name, args in captured_signals if name == "post_deleted"]
    assert deleted == [
        {"post_id": post.pk, "author_id": ana.pk},
        {"post_id": repost.pk, "author_id": bruno.pk},
    ]


def test_only_the_author_deletes_and_deleting_twice_is_harmless(ana, bruno):
    post = make_post(ana)
    with pytest.raises(NotAuthorError):
        services.post_delete(post=post, actor=bruno)
    services.post_delete(post=post, actor=ana)
    services.post_delete(post=post, actor=ana)
    assert posts_count(ana) == 0


# --- favourite ---------------------------------------------------------------------------------


def test_favourite_counts_once_and_unfavourite_uncounts(
    ana, bruno, captured_signals, django_capture_on_commit_callbacks
):
    post = make_post(ana)
    with django_capture_on_commit_callbacks(execute=True):
        services.favourite(actor=bruno, post=post)
        services.favourite(actor=bruno, post=post)
    assert fresh(post).favourites_count == 1
    assert Favourite.objects.filter(account=bruno, post=post).count() == 1
    # (one signal: the second like changed nothing)
    assert captured_signals == [("favourited", {"post_id": post.pk, "account_id": bruno.pk})]

    services.unfavourite(actor=bruno, post=post)
    services.unfavourite(actor=bruno, post=post)
    assert fresh(post).favourites_count == 0
    assert not Favourite.objects.exists()


def test_favouriting_a_repost_likes_the_original(ana, bruno, carla):
    original = make_post(ana)
    repost = services.reblog(actor=bruno, post=original)
    services.favourite(actor=carla, post=repost)
    assert Favourite.objects.get().post_id == original.pk
    assert fresh(original).favourites_count == 1


def test_favourite_of_an_invisible_post_is_refused(ana, bruno):
    post = make_post(ana, "friends", visibility=Visibility.PRIVATE)
    with pytest.raises(PostUnavailableError) as excinfo:
        services.favourite(actor=bruno, post=post)
    assert excinfo.value.message == "That post is not available."
    assert fresh(post).favourites_count == 0


# --- reblog ------------------------------------------------------------------------------------


def test_reblog_makes_one_empty_post_and_counts(
    ana, bruno, captured_signals, django_capture_on_commit_callbacks
):
    original = make_post(ana, visibility=Visibility.UNLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        repost = services.reblog(actor=bruno, post=original)
        again = services.reblog(actor=bruno, post=original)
    assert again.pk == repost.pk
    repost = fresh(repost)
    assert (repost.text, repost.reblog_of_id, repost.visibility) == ("", original.pk, "unlisted")
    assert fresh(original).reblogs_count == 1
    assert posts_count(bruno) == 1
    assert captured_signals[-1] == (
        "reblogged",
        {"reblog_id": repost.pk, "original_id": original.pk, "account_id": bruno.pk},
    )


def test_reblogging_a_repost_reposts_the_original(ana, bruno, carla):
    original = make_post(ana)
    repost = services.reblog(actor=bruno, post=original)
    second = services.reblog(actor=carla, post=repost)
    assert second.reblog_of_id == original.pk
    assert fresh(original).reblogs_count == 2


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.DIRECT])
def test_followers_only_and_direct_posts_cannot_be_reposted(ana, bruno, visibility):
    # Given a post Bruno can see: he follows Ana and is mentioned
    graph.follow(actor=bruno, target=ana)
    post = make_post(ana, "@bruno hi", visibility=visibility)
    # When he (or Ana herself) tries to repost it
    for actor in (bruno, ana):
        with pytest.raises(ReblogNotAllowedError) as excinfo:
            services.reblog(actor=actor, post=post)
        assert excinfo.value.message == "You can’t repost followers-only or direct posts."
    assert fresh(post).reblogs_count == 0


def test_unreblog_removes_the_repost_and_uncounts(ana, bruno):
    original = make_post(ana)
    repost = services.reblog(actor=bruno, post=original)
    services.unreblog(actor=bruno, post=repost)
    services.unreblog(actor=bruno, post=original)
    assert not Post.objects.filter(pk=repost.pk).exists()
    assert fresh(original).reblogs_count == 0
    assert posts_count(bruno) == 0


# --- bookmark and pin --------------------------------------------------------------------------


def test_bookmark_is_idempotent_and_needs_visibility(ana, bruno):
    post = make_post(ana)
    services.bookmark(actor=bruno, post=post)
    services.bookmark(actor=bruno, post=post)
    assert Bookmark.objects.filter(account=bruno).count() == 1
    services.unbookmark(actor=bruno, post=post)
    services.unbookmark(actor=bruno, post=post)
    assert not Bookmark.objects.exists()
    hidden = make_post(ana, "@ana only me", visibility=Visibility.DIRECT)
    with pytest.raises(PostUnavailableError):
        services.bookmark(actor=bruno, post=hidden)


def test_pin_own_posts_up_to_five(ana):
    posts = [make_post(ana, f"post {n}", visibility=Visibility.PRIVATE) for n in range(6)]
    for post in posts[:5]:
        services.pin(actor=ana, post=post)
    services.pin(actor=ana, post=posts[0])  # again: harmless
    with pytest.raises(PinNotAllowedError) as excinfo:
        services.pin(actor=ana, post=posts[5])
    assert excinfo.value.message == "You can pin up to 5 posts. Unpin one to pin this."
    services.unpin(actor=ana, post=posts[0])
    services.pin(actor=ana, post=posts[5])
    assert Pin.objects.filter(account=ana).count() == 5


def test_pin_refuses_others_posts_reposts_and_direct_posts(ana, bruno):
    post = make_post(ana)
    with pytest.raises(PinNotAllowedError, match="your own"):
        services.pin(actor=bruno, post=post)
    with pytest.raises(PinNotAllowedError, match="repost"):
        services.pin(actor=bruno, post=services.reblog(actor=bruno, post=post))
    direct = make_post(ana, "@bruno hi", visibility=Visibility.DIRECT)
    with pytest.raises(PinNotAllowedError, match="mentioned people only"):
        services.pin(actor=ana, post=direct)
    assert not Pin.objects.exists()


# --- erasing an account ------------------------------------------------------------------------


def test_erasing_an_account_settles_other_peoples_counters(ana, bruno, carla):
    # Given Bruno's post that Ana liked, reposted and replied to twice, and Ana's post Carla
    # reposted
    post = make_post(bruno)
    services.favourite(actor=ana, post=post)
    services.reblog(actor=ana, post=post)
    make_post(ana, "one", in_reply_to=post)
    make_post(ana, "two", in_reply_to=post)
    services.reblog(actor=carla, post=make_post(ana, "mine"))
    assert posts_count(carla) == 1

    # When Ana's account is erased
    account_erase(user_id=ana.user_id)

    # Then nothing of hers is counted anywhere
    post = fresh(post)
    assert (post.favourites_count, post.reblogs_count, post.replies_count) == (0, 0, 0)
    assert posts_count(carla) == 0
    assert posts_count(bruno) == 1


# --- concurrency -------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_and_unlikes_keep_the_count_right():
    # Given a post and twenty accounts
    author = make_account("popular")
    post = make_post(author)
    fans = [make_account(f"fan{n}") for n in range(20)]
    start = threading.Barrier(len(fans))
    errors = []

    def toggle(number, fan):
        try:
            start.wait()
            for _ in range(3):
                services.favourite(actor=fan, post=post)
                services.favourite(actor=fan, post=post)
                services.unfavourite(actor=fan, post=post)
            if number % 2:
                services.favourite(actor=fan, post=post)
        except Exception as error:  # noqa: BLE001  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    # When all twenty like and unlike it at once, each on its own connection
    threads = [threading.Thread(target=toggle, args=(n, fan)) for n, fan in enumerate(fans)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then the counter equals the likes stored: the ten odd-numbered fans
    assert errors == []
    assert Favourite.objects.filter(post=post).count() == 10
    assert Post.objects.get(pk=post.pk).favourites_count == 10
