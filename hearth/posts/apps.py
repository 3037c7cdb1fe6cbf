from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "hearth.posts"
    label = "posts"
    verbose_name = "Posts"

    def ready(self) -> None:
        from hearth.accounts.deletion import ACCOUNT_ERASERS
        from hearth.posts.services import account_posts_erase

        # Erasing an account cascades its posts, favourites and reposts away, but the counters
        # on other people's posts (and on accounts whose reposts go with them) would keep
        # counting them: settle those first.
        if account_posts_erase not in ACCOUNT_ERASERS:
            ACCOUNT_ERASERS.append(account_posts_erase)
