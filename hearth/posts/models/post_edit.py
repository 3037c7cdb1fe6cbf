from django.db import models
from django.utils import timezone

from hearth.core.models import TimeOrderedIdField
from hearth.posts.models.post import Post


class PostEdit(models.Model):
    """A version of a post as it read before an edit: readers can see what changed.

    `created_at` is when this version was written (the post's creation, or the edit before),
    not when it was replaced.
    """

    id = TimeOrderedIdField()
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="edits")
    text = models.TextField(blank=True, default="")
    spoiler_text = models.CharField(max_length=500, blank=True, default="")
    sensitive = models.BooleanField(default=False)
    content_html = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"version of post {self.post_id} from {self.created_at:%Y-%m-%d %H:%M}"
