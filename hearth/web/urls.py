from django.urls import path

from hearth.web.views import home, policies, profiles, settings

urlpatterns = [
    path("", home.home, name="home"),
    path("about", policies.about, name="about"),
    path("<slug:slug>", policies.policy, name="policy"),
    path("@<str:username>", profiles.profile, name="profile"),
    path("settings/", settings.index, name="settings"),
    path("settings/profile", settings.profile, name="settings_profile"),
    path("settings/preferences", settings.preferences, name="settings_preferences"),
    path("settings/data", settings.data, name="settings_data"),
]
