"""With Redis unreachable (cache and home feeds), a member's pages still work from the
database, and posting still posts: degraded, never a 500."""

from typing import Any

from django.test import Client

from hearth.accounts.models import User
from hearth.graph import services as graph
from hearth.posts.models import Post
from hearth.posts.tests.factories import make_post


def test_a_member_reads_and_posts_while_redis_is_down(
    client: Client, user: User, other_user: User, redis_down: Any
) -> None:
    # Given ana follows bruno, who posted, and ana signs in while Redis is down
    ana, bruno = user.account, other_user.account
    graph.follow(actor=ana, target=bruno)
    make_post(bruno, "read from the database")
    client.force_login(user)

    # When she opens her home, posts, and opens the pages a member uses
    home = client.get("/")
    posted = client.post("/posts", {"text": "Still here", "visibility": "public"}, follow=True)
    pages = {
        path: client.get(path).status_code
        for path in ("/notifications", f"/@{bruno.username}", "/public", "/settings/profile")
    }

    # Then each page is served, her home shows bruno's post, and her post is stored with its
    # message shown
    assert home.status_code == 200
    assert "read from the database" in home.content.decode()
    assert posted.status_code == 200
    assert "Posted." in posted.content.decode()
    assert Post.objects.filter(author=ana, text="Still here").exists()
    assert "Still here" in posted.content.decode()
    assert pages == dict.fromkeys(pages, 200)
