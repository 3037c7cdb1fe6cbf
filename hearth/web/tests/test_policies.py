import datetime
import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils.html import strip_tags

from hearth.moderation.services import policy_update
from hearth.testing.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db

OTHER_SERVER = {
    "HEARTH_INSTANCE_NAME": "Maple Street Social",
    "HEARTH_DOMAIN": "maple.example",
    "HEARTH_CONTACT_EMAIL": "team@maple.example",
    "HEARTH_DELETION_GRACE_DAYS": 21,
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Policy pages are cached across requests; each test has its own database.
    cache.clear()
    yield
    cache.clear()


def main_text(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", strip_tags(main))


@override_settings(**OTHER_SERVER)
@pytest.mark.parametrize(
    ("path", "title", "min_words"),
    [
        ("/privacy", "Privacy policy", 800),
        ("/terms", "Terms of service", 800),
        ("/guidelines", "Community guidelines", 600),
        ("/about", "About Maple Street Social", 500),
    ],
)
def test_each_page_is_a_full_text_about_this_server(client, path, title, min_words):
    # Given a server with its own name and contact, and no edited texts
    # When a visitor opens the page
    response = client.get(path)

    # Then it is a real, substantial text, filled in for this server and dated
    assert response.status_code == 200
    text = main_text(response)
    assert len(text.split()) >= min_words
    assert "<h1" in response.content.decode()
    assert title in text
    assert "Maple Street Social" in text
    assert "team@maple.example" in text
    assert "{instance_name}" not in text
    assert "Last updated 29 November 2026" in text
    assert 'class="prose"' in response.content.decode()


@override_settings(**OTHER_SERVER)
def test_privacy_policy_covers_what_is_collected_why_and_your_rights(client):
    text = main_text(client.get("/privacy"))
    for topic in (
        "What we collect",
        "Why we use it",
        "How long we keep it",
        "Cookies",
        "session cookie",
        "CSRF cookie",
        "Argon2",
        "IP address",
        "Server logs",
        "Backups",
        "Settings → Your data",
        "zip file",
        "After 21 days",
        "Delete it",
        "team@maple.example",
    ):
        assert topic in text, topic


def test_terms_cover_content_licence_enforcement_and_leaving(client):
    text = main_text(client.get("/terms"))
    for topic in ("Your content", "licence", "Acceptable use", "suspend", "Leaving", "as is"):
        assert topic in text, topic


def test_guidelines_cover_the_required_rules_reporting_and_moderation(client):
    text = main_text(client.get("/guidelines"))
    for topic in (
        "harassment",
        "hate",
        "spam",
        "illegal",
        "violent extremism",
        "terrorist",
        "non-consensual",
        "How to report",
        "What moderators do",
        "Appeals",
    ):
        assert topic.lower() in text.lower(), topic


def test_edited_text_and_its_date_replace_the_shipped_one(client, admin_user):
    # Given the guidelines were viewed (and cached) before an admin edits them
    assert "Be excellent to each other" not in main_text(client.get("/guidelines"))

    # When an admin saves a new version
    policy_update(
        slug="guidelines",
        body="## Server rules\n\n1. Be excellent to each other on {instance_name}.",
        editor=admin_user,
    )

    # Then the page shows it, dated today (/about lists the ServerRule rows, edited apart:
    # hearth/moderation/tests/test_rules.py)
    text = main_text(client.get("/guidelines"))
    assert "Be excellent to each other on Hearth." in text
    assert "violent extremism" not in text
    today = datetime.datetime.now(tz=datetime.UTC).date()
    assert f"Last updated {today:%-d %B %Y}" in text


def test_about_shows_the_server_its_team_members_and_policies(client, user, admin_user):
    # Given two members, one of them an admin with a display name
    admin_user.account.display_name = "Root Admin"
    admin_user.account.save()

    # When a visitor opens /about
    response = client.get("/about")

    # Then it says what the server is, who runs it and how to reach them
    html = response.content.decode()
    text = main_text(response)
    assert "small social network" in text  # the editable description
    assert "Server rules" in text
    assert "Treat people with respect" in text  # the rules section from the guidelines
    assert "How to report" not in text  # ...and only that section
    assert 'href="/@root_admin"' in html
    assert "@root_admin (Root Admin)" in text
    assert 'href="/@ana"' not in html  # members who aren't staff aren't listed as admins
    assert "Members 2" in text
    assert 'href="mailto:admin@localhost"' in html
    for href in ('href="/guidelines"', 'href="/privacy"', 'href="/terms"'):
        assert href in html


def test_about_without_staff_accounts_says_how_to_reach_the_team(client):
    text = main_text(client.get("/about"))
    assert "don’t have public accounts here yet" in text
    assert "Members 0" in text


def test_policy_pages_link_to_each_other(client):
    html = client.get("/privacy").content.decode()
    nav = html[html.index('class="card policy-links"') :]
    assert 'href="/about"' in nav
    assert 'href="/terms"' in nav
    assert 'href="/guidelines"' in nav
    assert 'href="/privacy"' not in nav[: nav.index("</nav>")]


@pytest.mark.parametrize("path", ["/nope", "/rules", "/privacy-policy"])
def test_unknown_pages_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize("path", ["/privacy", "/terms", "/guidelines"])
def test_a_policy_page_costs_at_most_one_query(client, path, django_assert_max_num_queries):
    # Cold: one query for the latest version; warm: none (anonymous visitors have no session).
    with django_assert_max_num_queries(1):
        assert client.get(path).status_code == 200
    with django_assert_max_num_queries(0):
        assert client.get(path).status_code == 200


def test_about_costs_a_handful_of_queries(client, admin_user, django_assert_max_num_queries):
    client.get("/about")
    # Warm: the member count and the admin list; the texts come from the cache.
    with django_assert_max_num_queries(2):
        assert client.get("/about").status_code == 200


def test_signed_in_policy_page_adds_no_query_to_the_frame(
    client_with_user, django_assert_max_num_queries
):
    # Given the page rendered once
    client_with_user.get("/privacy")

    # When a member opens it again, only the frame's own queries run (the user, their account
    # and the unread notifications badge; the session comes from the cache): nothing reads the
    # policy tables
    with django_assert_max_num_queries(3) as captured:
        assert client_with_user.get("/privacy").status_code == 200
    assert not [q for q in captured.captured_queries if "moderation_" in q["sql"]]


def test_the_site_sets_only_the_session_and_csrf_cookies(client):
    # Given a member signing in, which also shows a "signed in" notice on the next page
    make_user("carla", email="carla@example.org")
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/", {"login": "carla", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated

    # Then the browser holds exactly the two cookies the privacy policy describes
    assert set(client.cookies.keys()) <= {"sessionid", "csrftoken"}
    assert "sessionid" in client.cookies
