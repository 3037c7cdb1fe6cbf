import secrets

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MaxValueValidator
from django.db import models

from hearth.core.models import TimeOrderedIdField


def export_upload_to(instance: "DataExport", filename: str) -> str:
    return f"exports/{instance.user_id}/{secrets.token_urlsafe(24)}.zip"


def export_storage() -> Storage:
    """Archives are a member's personal data: they live in the private media storage (outside
    MEDIA_ROOT, which the web server serves; a private ACL on S3) and are downloaded only
    through the owner-checked view."""
    return storages["media_private"]


class DataExport(models.Model):
    """A "download your data" archive, built in the background: pending → running → done/failed."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    id = TimeOrderedIdField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    #: Percent done, 0–100, shown as the progress bar while the archive is built.
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    file = models.FileField(
        upload_to=export_upload_to, storage=export_storage, max_length=200, blank=True, default=""
    )
    #: What went wrong, for the server's operators; members see a plain message instead.
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        get_latest_by = "created_at"
        indexes = [models.Index(fields=["user", "-created_at"], name="export_user_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="export_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} of user {self.user_id} ({self.state})"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)
