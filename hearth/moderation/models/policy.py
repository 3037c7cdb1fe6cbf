from django.conf import settings
from django.db import models
from django.urls import reverse

from hearth.core.models import TimeOrderedIdField


class PolicySlug(models.TextChoices):
    ABOUT = "about", "About this server"
    PRIVACY = "privacy", "Privacy policy"
    TERMS = "terms", "Terms of service"
    GUIDELINES = "guidelines", "Community guidelines"


class PolicyPage(models.Model):
    """One of the server's fixed information pages. Its text lives in its versions; with none
    saved yet, the text shipped with Hearth is shown (hearth/moderation/content/)."""

    slug = models.SlugField(primary_key=True, max_length=20, choices=PolicySlug)

    class Meta:
        verbose_name = "policy page"
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.slug == PolicySlug.ABOUT:
            return reverse("about")
        return reverse("policy", kwargs={"slug": self.slug})

    @property
    def title(self) -> str:
        return PolicySlug(self.slug).label


class PolicyVersion(models.Model):
    """One saved text of a policy page. Rows are only ever added, so the history is complete;
    the newest (ids are time-ordered) is the one shown."""

    id = TimeOrderedIdField()
    page = models.ForeignKey(PolicyPage, on_delete=models.CASCADE, related_name="versions")
    #: Markdown with {instance_name}-style placeholders (see hearth.moderation.defaults).
    body = models.TextField("text (Markdown)")
    #: A short note on what changed, for the history.
    note = models.CharField("what changed", max_length=200, blank=True, default="")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "policy version"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.page_id} · {self.created_at:%Y-%m-%d %H:%M}"
