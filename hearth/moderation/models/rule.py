from django.db import models


class ServerRule(models.Model):
    """One of the server's rules: shown at sign-up, on /about and /about/moderation, to apps
    (`GET /api/v1/instance/rules`), and offered in reports. Admins edit them at /moderation/rules
    or in the Django admin; the community guidelines explain them at length."""

    text = models.CharField(max_length=300, help_text="The rule, in one short sentence.")
    hint = models.TextField(
        blank=True, default="", max_length=1000, help_text="A longer explanation (optional)."
    )
    #: Shown in this order (then by id).
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "server rule"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text
