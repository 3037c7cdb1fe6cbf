from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "hearth.media"
    label = "media"
    verbose_name = "Media"

    def ready(self) -> None:
        from hearth.accounts.deletion import ACCOUNT_ERASERS
        from hearth.accounts.housekeeping import PURGE_JOBS
        from hearth.media.services import media_erase_for_user, media_purge_orphans

        # An erased account's attachments go with the cascade, but their files would stay.
        if media_erase_for_user not in ACCOUNT_ERASERS:
            ACCOUNT_ERASERS.append(media_erase_for_user)
        PURGE_JOBS.setdefault("unattached upload(s) older than a day", media_purge_orphans)
