from hearth.notifications.models.marker import NotificationMarker
from hearth.notifications.models.notification import Notification, NotificationType
from hearth.notifications.models.preference import NotificationPreference

__all__ = ["Notification", "NotificationMarker", "NotificationPreference", "NotificationType"]
