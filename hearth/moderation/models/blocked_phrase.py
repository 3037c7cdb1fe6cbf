import re

from django.db import models


class PhraseAction(models.TextChoices):
    REJECT = "reject", "Refuse the post"
    HOLD = "hold", "Hold it for review"


class BlockedPhrase(models.Model):
    """A word or phrase posts may not contain (hearth.moderation.screening): a post using it is
    refused, or held until a moderator approves it. Matched without regard to letter case."""

    phrase = models.CharField(max_length=200, unique=True)
    whole_word = models.BooleanField(
        default=True,
        help_text="Match only the whole word or phrase (“ass” then doesn’t match “class”).",
    )
    action = models.CharField(max_length=10, choices=PhraseAction, default=PhraseAction.HOLD)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "blocked word or phrase"
        verbose_name_plural = "blocked words and phrases"
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase

    def pattern(self) -> str:
        """A regular expression for the phrase (any run of spaces matches any other)."""
        words = [re.escape(word) for word in self.phrase.split()]
        body = r"\s+".join(words)
        return rf"(?<!\w){body}(?!\w)" if self.whole_word else body
