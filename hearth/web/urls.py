from django.urls import path, register_converter

from hearth.web.converters import UsernameConverter
from hearth.web.views import (
    data,
    filters,
    follow_requests,
    home,
    invites,
    lists,
    media,
    messages,
    moderation,
    notifications,
    policies,
    posts,
    profiles,
    relationships,
    reports,
    safety,
    search,
    settings,
    signups,
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
    # Invites and sign-ups; before the policy pages' catch-all too.
    path("invites", invites.invites, name="invites"),
    path("invites/<str:code>/revoke", invites.revoke, name="invite_revoke"),
    path("invite/<str:code>", invites.invite, name="invite"),
    path("settings/signups", signups.index, name="settings_signups"),
    path(
        "settings/signups/<int:application_id>/<slug:decision>",
        signups.decide,
        name="settings_signup_decide",
    ),
    # Posts and timelines; before the policy pages' catch-all too.
    path("public", timelines.public, name="timeline_public"),
    path("bookmarks", timelines.bookmarks, name="bookmarks"),
    path("favourites", timelines.favourites, name="favourites"),
    path("lists", lists.index, name="lists"),
    path("lists/<int:list_id>", lists.detail, name="list_detail"),
    path("lists/<int:list_id>/edit", lists.edit, name="list_edit"),
    path("lists/<int:list_id>/delete", lists.delete, name="list_delete"),
    path("lists/<int:list_id>/add", lists.member, {"action": "add"}, name="list_member_add"),
    path(
        "lists/<int:list_id>/remove", lists.member, {"action": "remove"}, name="list_member_remove"
    ),
    path("search", search.search_page, name="search"),
    path("home/new", timelines.home_new, name="home_new"),
    path("tags/<str:tag>", timelines.hashtag, name="timeline_hashtag"),
    path("posts", posts.create, name="post_create"),
    path("media/upload", media.upload, name="media_upload"),
    path("posts/<int:post_id>/<slug:name>", posts.action, name="post_action"),
    path("messages", messages.inbox, name="messages"),
    path("messages/<int:conversation_id>", messages.conversation, name="conversation"),
    path("notifications", notifications.notifications, name="notifications"),
    path("notifications/read", notifications.mark_read, name="notifications_mark_read"),
    # Reporting and moderation (hearth.moderation); before the policy pages' catch-all.
    path("about/moderation", moderation.transparency, name="about_moderation"),
    path("@<username:username>/report", reports.report, name="report"),
    path("suspended", reports.suspended, name="moderation_suspended"),
    path("notices/<int:action_id>", reports.notice, name="moderation_notice"),
    path("notices/<int:action_id>/appeal", reports.notice_appeal, name="moderation_appeal"),
    path("moderation/", moderation.queue_page, name="moderation_queue"),
    path("moderation/log", moderation.audit_log, name="moderation_log"),
    path("moderation/phrases", moderation.phrases_page, name="moderation_phrases"),
    path(
        "moderation/phrases/<int:phrase_id>", moderation.phrase_edit, name="moderation_phrase_edit"
    ),
    path(
        "moderation/phrases/<int:phrase_id>/delete",
        moderation.phrase_delete,
        name="moderation_phrase_delete",
    ),
    path("moderation/rules", moderation.rules_page, name="moderation_rules"),
    path("moderation/rules/<int:rule_id>", moderation.rule_edit, name="moderation_rule_edit"),
    path("moderation/rules/<int:rule_id>/move", moderation.rule_move, name="moderation_rule_move"),
    path(
        "moderation/rules/<int:rule_id>/delete",
        moderation.rule_delete,
        name="moderation_rule_delete",
    ),
    path("moderation/reports/<int:report_id>", moderation.report_page, name="moderation_report"),
    path(
        "moderation/reports/<int:report_id>/assign",
        moderation.report_assign_view,
        name="moderation_report_assign",
    ),
    path(
        "moderation/reports/<int:report_id>/note",
        moderation.report_note,
        name="moderation_report_note",
    ),
    path(
        "moderation/reports/<int:report_id>/action",
        moderation.report_action,
        name="moderation_report_action",
    ),
    path(
        "moderation/accounts/<username:username>",
        moderation.account_page,
        name="moderation_account",
    ),
    path(
        "moderation/accounts/<username:username>/action",
        moderation.account_action,
        name="moderation_account_action",
    ),
    path(
        "moderation/accounts/<username:username>/legal",
        moderation.account_legal,
        name="moderation_account_legal",
    ),
    path(
        "moderation/exports/<int:export_id>",
        moderation.export_download,
        name="moderation_export_download",
    ),
    path(
        "moderation/appeals/<int:appeal_id>", moderation.appeal_page, name="moderation_appeal_page"
    ),
    path(
        "moderation/appeals/<int:appeal_id>/decide",
        moderation.appeal_decide_view,
        name="moderation_appeal_decide",
    ),
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
    path("settings/filters", filters.index, name="settings_filters"),
    path("settings/filters/<int:filter_id>/delete", filters.delete, name="settings_filter_delete"),
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
