from django.urls import path, register_converter

from hearth.web.converters import UsernameConverter
from hearth.web.views import (
    data,
    follow_requests,
    home,
    media,
    notifications,
    policies,
    posts,
    profiles,
    relationships,
    safety,
    settings,
    timelines,
)

register_converter(UsernameConverter, "username")

urlpatterns = [
    path("", home.home, name="home"),
    path("about", policies.about, name="about"),
    # Before the policy pages' catch-all: "follow_requests" is a slug too.
    path("follow_requests", follow_requests.follow_requests, name="follow_requests"),
    path(
        "follow_requests/accept_all", follow_requests.accept_all, name="follow_requests_accept_all"
    ),
    path(
        "follow_requests/@<username:username>/accept",
        follow_requests.accept,
        name="follow_request_accept",
    ),
    path(
        "follow_requests/@<username:username>/reject",
        follow_requests.reject,
        name="follow_request_reject",
    ),
    # Posts and timelines; before the policy pages' catch-all too.
    path("public", timelines.public, name="timeline_public"),
    path("bookmarks", timelines.bookmarks, name="bookmarks"),
    path("favourites", timelines.favourites, name="favourites"),
    path("home/new", timelines.home_new, name="home_new"),
    path("tags/<str:tag>", timelines.hashtag, name="timeline_hashtag"),
    path("posts", posts.create, name="post_create"),
    path("media/upload", media.upload, name="media_upload"),
    path("posts/<int:post_id>/<slug:name>", posts.action, name="post_action"),
    path("notifications", notifications.notifications, name="notifications"),
    path("notifications/read", notifications.mark_read, name="notifications_mark_read"),
    path("<slug:slug>", policies.policy, name="policy"),
    path("@<username:username>", profiles.profile, name="profile"),
    path(
        "@<username:username>/with_replies",
        profiles.profile,
        {"tab": "with_replies"},
        name="profile_with_replies",
    ),
    path("@<username:username>/media", profiles.profile, {"tab": "media"}, name="profile_media"),
    path("@<username:username>/<int:post_id>", posts.detail, name="post_detail"),
    path("@<username:username>/<int:post_id>/edit", posts.edit, name="post_edit"),
    path("@<username:username>/<int:post_id>/history", posts.history, name="post_history"),
    path("@<username:username>/<int:post_id>/delete", posts.delete, name="post_delete"),
    path("@<username:username>/followers", profiles.followers, name="profile_followers"),
    path("@<username:username>/following", profiles.following, name="profile_following"),
    path("@<username:username>/follow", relationships.follow, name="relationship_follow"),
    path("@<username:username>/unfollow", relationships.unfollow, name="relationship_unfollow"),
    path("@<username:username>/mute", relationships.mute, name="relationship_mute"),
    path("@<username:username>/unmute", relationships.unmute, name="relationship_unmute"),
    path("@<username:username>/block", relationships.block, name="relationship_block"),
    path("@<username:username>/unblock", relationships.unblock, name="relationship_unblock"),
    path(
        "@<username:username>/remove_follower",
        relationships.follower_remove,
        name="relationship_follower_remove",
    ),
    path("settings/", settings.index, name="settings"),
    path("settings/profile", settings.profile, name="settings_profile"),
    path("settings/preferences", settings.preferences, name="settings_preferences"),
    path("settings/notifications", notifications.preferences, name="settings_notifications"),
    path("settings/blocks", safety.blocks, name="settings_blocks"),
    path("settings/mutes", safety.mutes, name="settings_mutes"),
    path("settings/data", data.data, name="settings_data"),
    path("settings/data/export", data.export_create, name="settings_data_export"),
    path(
        "settings/data/export/<int:export_id>/download",
        data.export_download,
        name="settings_data_export_download",
    ),
    path("settings/data/delete", data.delete_request, name="settings_data_delete"),
    path("settings/data/delete/cancel", data.delete_cancel, name="settings_data_delete_cancel"),
]
