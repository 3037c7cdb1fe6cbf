from django.db import models

from hearth.core.models import TimeOrderedIdField
from hearth.posts.models import Post


class Conversation(models.Model):
    """The direct posts between one set of people (their author and the accounts they mention).

    Each set of people has one conversation, whoever writes: a reply between the same people
    lands in the same one, and mentioning someone else starts another, as in a messaging app.
    Written only by hearth.messaging.services, from the posts signals.
    """

    id = TimeOrderedIdField()
    #: The participants' account ids, sorted and hashed (sha256, hex): a set of any size in a
    #: fixed-width unique column.
    participants_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"conversation {self.pk}"


class ConversationPost(models.Model):
    """A direct post in a conversation. Deleting the post deletes the row."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, primary_key=True, related_name="+")
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="posts",
        db_index=False,  # the (conversation, post) index leads with it
    )

    class Meta:
        indexes = [
            models.Index(fields=["conversation", "-post"], name="messaging_conv_post_idx"),
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} in conversation {self.conversation_id}"
