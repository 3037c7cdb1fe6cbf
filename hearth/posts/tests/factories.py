"""Accounts and posts for posts tests, made through the real services."""

from hearth.accounts.models import Account
from hearth.accounts.models.user import Visibility
from hearth.posts import services
from hearth.posts.models import Post
from hearth.testing.fixtures import make_user


def make_account(username: str | None = None) -> Account:
    return make_user(username).account


def make_post(
    author: Account, text: str = "Hello there", visibility: str = Visibility.PUBLIC, **kwargs
) -> Post:
    return services.post_create(author=author, text=text, visibility=visibility, **kwargs)


def fresh(obj):
    obj.refresh_from_db()
    return obj
