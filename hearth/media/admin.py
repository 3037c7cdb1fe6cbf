from django.contrib import admin

from hearth.media.models import MediaAttachment


@admin.register(MediaAttachment)
class MediaAttachmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # stubs' generics
    list_display = ["id", "owner", "post", "state", "width", "height", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["owner", "post"]
    readonly_fields = ["original", "file", "thumbnail", "blurhash", "placeholder", "colour"]
