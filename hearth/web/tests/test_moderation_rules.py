"""The admins' server rules page (/moderation/rules) through the test client: listing, adding
and editing with errors beside the field, reordering, removing, the audit log, the role, and the
rules as the sign-up page and the client API show them right after (the cached list is
dropped)."""

import pytest
from django.core.cache import cache
from django.test import Client

from hearth.moderation.models import ActionKind, ModerationAction, ServerRule
from hearth.moderation.roles import moderator_grant
from hearth.web.tests.test_moderation_phrases import field_html

pytestmark = pytest.mark.django_db

URL = "/moderation/rules"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The rules are cached across requests; a test must not see a list cached by an earlier test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def texts() -> list[str]:
    return list(ServerRule.objects.order_by("position", "id").values_list("text", flat=True))


def rows(body: str) -> str:
    return body[body.index("<tbody>") : body.index("</tbody>")]


def test_the_page_lists_the_rules_in_order_with_their_explanations(admin_client):
    response = admin_client.get(URL)
    assert response.status_code == 200
    body = rows(response.content.decode())
    assert body.index("Treat people with respect.") < body.index("No hate.")
    assert "No harassment" in body  # the first rule's explanation
    assert body.count('<tr id="rule-') == 10
    # The first can't go up, the last can't go down.
    first = body[: body.index("</tr>")]
    assert 'value="up" class="button button--small button--secondary"' in first
    assert 'Move “Treat people with respect.” up" disabled' in first
    assert 'Move “Mark sensitive content.” down" disabled' in body


def test_with_no_rules_the_page_explains_itself(admin_client):
    ServerRule.objects.all().delete()
    body = admin_client.get(URL).content.decode()
    assert "No server rules yet." in body
    assert 'name="text"' in body


def test_the_moderation_tabs_link_to_the_page_for_admins_only(admin_client, user):
    assert f'href="{URL}"' in admin_client.get("/moderation/").content.decode()
    assert 'aria-current="page">Server rules' in admin_client.get(URL).content.decode()
    moderator_grant(user=user)
    moderator = Client()
    moderator.force_login(user)
    assert f'href="{URL}"' not in moderator.get("/moderation/").content.decode()


def test_adding_a_rule_puts_it_last_flashes_and_logs_it(admin_client, admin_user):
    response = admin_client.post(URL, {"text": "  No   cucumbers. ", "hint": "None at all."})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert texts()[-1] == "No cucumbers."
    page = admin_client.get(URL).content.decode()
    assert "“No cucumbers.” is added, last in the list." in page
    entry = ModerationAction.objects.get()
    assert entry.kind == ActionKind.RULE_ADD
    assert (entry.moderator_id, entry.reason) == (admin_user.pk, "“No cucumbers.”")


@pytest.mark.parametrize(
    ("typed", "hint", "field", "error"),
    [
        ("", "", "text", "Write the rule."),
        ("   ", "", "text", "Write the rule."),
        ("x" * 301, "", "text", "at most 300 characters (it has 301)"),
        ("no hate.", "", "text", "That is already one of the rules."),
        ("Fine.", "y" * 1001, "hint", "at most 1000 characters (it has 1001)"),
    ],
)
def test_an_invalid_rule_is_an_error_beside_the_field(admin_client, typed, hint, field, error):
    response = admin_client.post(URL, {"text": typed, "hint": hint})
    assert response.status_code == 400
    body = response.content.decode()
    group = field_html(body, field)
    assert "field--error" in group
    assert error in group
    if typed.strip():
        assert f'value="{typed}"' in field_html(body, "text")  # what was typed is kept
    assert len(texts()) == 10
    assert not ModerationAction.objects.exists()


def test_editing_a_rule_shows_the_form_saves_and_logs_it(admin_client):
    rule = ServerRule.objects.get(position=2)
    form = admin_client.get(f"{URL}/{rule.pk}")
    assert form.status_code == 200
    assert 'value="No hate."' in field_html(form.content.decode(), "text")
    saved = admin_client.post(f"{URL}/{rule.pk}", {"text": "No hate, ever.", "hint": rule.hint})
    assert saved.status_code == 302
    assert saved["Location"] == URL
    rule.refresh_from_db()
    assert rule.text == "No hate, ever."
    assert "Rule saved." in admin_client.get(URL).content.decode()
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.reason) == (ActionKind.RULE_CHANGE, "“No hate.” → “No hate, ever.”")


def test_an_invalid_edit_is_an_error_beside_the_field(admin_client):
    rule = ServerRule.objects.get(position=2)
    for text, error in (("", "Write the rule."), ("Respect privacy.", "already one of the rules")):
        response = admin_client.post(f"{URL}/{rule.pk}", {"text": text, "hint": ""})
        assert response.status_code == 400
        group = field_html(response.content.decode(), "text")
        assert "field--error" in group
        assert error in group
    rule.refresh_from_db()
    assert rule.text == "No hate."
    assert not ModerationAction.objects.exists()


def test_moving_a_rule_reorders_the_list_and_logs_it(admin_client):
    rule = ServerRule.objects.get(position=2)
    response = admin_client.post(f"{URL}/{rule.pk}/move", {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}#rule-{rule.pk}"
    assert texts()[:2] == ["No hate.", "Treat people with respect."]
    admin_client.post(f"{URL}/{rule.pk}/move", {"direction": "down"})
    assert texts()[:2] == ["Treat people with respect.", "No hate."]
    reasons = list(ModerationAction.objects.order_by("id").values_list("kind", "reason"))
    assert reasons == [
        (ActionKind.RULE_MOVE, "“No hate.” (now 1 of 10)"),
        (ActionKind.RULE_MOVE, "“No hate.” (now 2 of 10)"),
    ]


def test_a_move_needs_a_post_a_direction_and_an_existing_rule(admin_client):
    rule = ServerRule.objects.get(position=2)
    assert admin_client.get(f"{URL}/{rule.pk}/move").status_code == 405
    assert admin_client.post(f"{URL}/{rule.pk}/move", {"direction": "sideways"}).status_code == 400
    assert admin_client.post(f"{URL}/{rule.pk}/move").status_code == 400
    missing = ServerRule.objects.order_by("-pk").first().pk + 1
    assert admin_client.post(f"{URL}/{missing}/move", {"direction": "up"}).status_code == 404
    assert admin_client.get(f"{URL}/{missing}").status_code == 404
    assert admin_client.post(f"{URL}/{missing}/delete").status_code == 404
    assert texts()[1] == "No hate."
    assert not ModerationAction.objects.exists()


def test_removing_a_rule_flashes_and_logs_it(admin_client):
    rule = ServerRule.objects.get(position=10)
    assert admin_client.get(f"{URL}/{rule.pk}/delete").status_code == 405
    response = admin_client.post(f"{URL}/{rule.pk}/delete")
    assert response.status_code == 302
    assert response["Location"] == URL
    assert "Mark sensitive content." not in texts()
    assert (
        "“Mark sensitive content.” is no longer a rule." in admin_client.get(URL).content.decode()
    )
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.reason) == (ActionKind.RULE_REMOVE, "“Mark sensitive content.”")


def test_the_audit_log_lists_the_changes_and_the_transparency_page_does_not(admin_client):
    admin_client.post(URL, {"text": "No cucumbers.", "hint": ""})
    added = ServerRule.objects.get(text="No cucumbers.")
    admin_client.post(f"{URL}/{added.pk}", {"text": "No gherkins.", "hint": ""})
    admin_client.post(f"{URL}/{added.pk}/move", {"direction": "up"})
    admin_client.post(f"{URL}/{added.pk}/delete")
    log = admin_client.get("/moderation/log").content.decode()
    for label in (
        "Added a server rule",
        "Changed a server rule",
        "Moved a server rule",
        "Removed a server rule",
    ):
        assert label in log
    assert "“No cucumbers.” → “No gherkins.”" in log
    # Not enforcement on anyone: the public page doesn't count them.
    public = Client().get("/about/moderation").content.decode()
    assert "a server rule" not in public


def test_moderators_and_members_get_403_and_visitors_the_login_page(user, other_user):
    moderator_grant(user=other_user)
    rule = ServerRule.objects.get(position=1)
    for someone in (user, other_user):
        client = Client()
        client.force_login(someone)
        for method, url, data in (
            ("get", URL, {}),
            ("post", URL, {"text": "No cucumbers."}),
            ("get", f"{URL}/{rule.pk}", {}),
            ("post", f"{URL}/{rule.pk}", {"text": "Be kind."}),
            ("post", f"{URL}/{rule.pk}/move", {"direction": "down"}),
            ("post", f"{URL}/{rule.pk}/delete", {}),
        ):
            assert getattr(client, method)(url, data).status_code == 403, url
            visitor = getattr(Client(), method)(url, data)
            assert visitor.status_code == 302
            assert visitor["Location"].startswith("/accounts/login/")
    assert texts()[0] == "Treat people with respect."
    assert len(texts()) == 10
    assert not ModerationAction.objects.exists()


def test_an_edit_shows_at_once_at_sign_up_and_in_the_client_api(admin_client):
    # Given the rules read once, so they are cached
    assert "No hate." in Client().get("/accounts/signup/").content.decode()
    v1 = Client().get("/api/v1/instance").json()["rules"]
    assert v1[1]["text"] == "No hate."

    # When an admin rewords the second rule and moves it first
    rule = ServerRule.objects.get(position=2)
    admin_client.post(f"{URL}/{rule.pk}", {"text": "No hate, ever.", "hint": "None."})
    admin_client.post(f"{URL}/{rule.pk}/move", {"direction": "up"})

    # Then sign-up and every instance endpoint show the new text, first, with the same id
    assert "No hate, ever." in Client().get("/accounts/signup/").content.decode()
    for path in ("/api/v1/instance", "/api/v2/instance"):
        first = Client().get(path).json()["rules"][0]
        assert (first["id"], first["text"], first["hint"]) == (
            str(rule.pk),
            "No hate, ever.",
            "None.",
        )
    listed = Client().get("/api/v1/instance/rules").json()
    assert [item["text"] for item in listed][:2] == ["No hate, ever.", "Treat people with respect."]
