from django.urls import path

from hearth.web.views import data, home, policies, profiles, settings

urlpatterns = [
    path("", home.home, name="home"),
    path("about", policies.about, name="about"),
    path("<slug:slug>", policies.policy, name="policy"),
    path("@<str:username>", profiles.profile, name="profile"),
    path("settings/", settings.index, name="settings"),
    path("settings/profile", settings.profile, name="settings_profile"),
    path("settings/preferences", settings.preferences, name="settings_preferences"),
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
