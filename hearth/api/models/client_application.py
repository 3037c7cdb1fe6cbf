from django.db import models
from oauth2_provider.models import Application


class ClientApplication(models.Model):
    """What Mastodon keeps about an app beyond django-oauth-toolkit's Application: its website
    and the scopes it registered for (a token can never be granted more than these)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="mastodon"
    )
    website = models.URLField(max_length=2000, blank=True, default="")
    #: Space-separated, as registered: "read write follow push".
    scopes = models.CharField(max_length=500, default="read")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.application.name} ({self.scopes})"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
