from hearth.posts.models.bookmark import Bookmark
from hearth.posts.models.favourite import Favourite
from hearth.posts.models.hashtag import Hashtag
from hearth.posts.models.mention import Mention
from hearth.posts.models.pin import MAX_PINNED_POSTS, Pin
from hearth.posts.models.post import Post
from hearth.posts.models.post_edit import PostEdit
from hearth.posts.models.post_hashtag import PostHashtag

__all__ = [
    "MAX_PINNED_POSTS",
    "Bookmark",
    "Favourite",
    "Hashtag",
    "Mention",
    "Pin",
    "Post",
    "PostEdit",
    "PostHashtag",
]
