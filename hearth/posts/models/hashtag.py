from django.db import models
from django.db.models.functions import Lower

from hearth.core.models import TimeOrderedIdField

MAX_HASHTAG_LENGTH = 100


class Hashtag(models.Model):
    """A #tag, stored once in the letter case it was first used; matched in any case."""

    id = TimeOrderedIdField()
    name = models.CharField(max_length=MAX_HASHTAG_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("name"), name="posts_hashtag_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.name}"
