"""Server rules: seeded from the guidelines, editable, cached, shown at sign-up and on the
/about pages, and offered (and checked) in reports."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from hearth.moderation.models import Report, ServerRule
from hearth.moderation.reports import report_create
from hearth.moderation.rules import server_rule_list

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_default_rules_are_the_guidelines_rules():
    texts = [rule.text for rule in server_rule_list()]
    assert len(texts) == 10
    assert texts[0] == "Treat people with respect."
    assert "No violent extremism or terrorist content." in texts
    assert "No spam or manipulation." in texts
    assert "No illegal content." in texts
    assert "harassment" in server_rule_list()[0].hint


def test_the_list_is_cached_and_dropped_when_an_admin_edits_a_rule(django_assert_num_queries):
    server_rule_list()
    with django_assert_num_queries(0):
        server_rule_list()
    rule = ServerRule.objects.get(position=1)
    rule.text = "Be kind."
    rule.save()
    assert server_rule_list()[0].text == "Be kind."
    ServerRule.objects.filter(pk=rule.pk).delete()
    assert "Be kind." not in [r.text for r in server_rule_list()]


def test_sign_up_about_and_transparency_pages_list_the_rules():
    ServerRule.objects.create(text="No posting about cucumbers.", hint="Really.", position=99)
    for url in ("/accounts/signup/", "/about", "/about/moderation"):
        body = Client().get(url).content.decode()
        assert "No posting about cucumbers." in body, url
        assert "Treat people with respect." in body, url
    assert "Really." in Client().get("/about").content.decode()


def test_admins_edit_rules_in_the_django_admin(admin_user):
    client = logged_in(admin_user)
    assert client.get("/admin/moderation/serverrule/").status_code == 200
    added = client.post(
        "/admin/moderation/serverrule/add/",
        {"text": "No cucumbers.", "hint": "", "position": "11"},
    )
    assert added.status_code == 302
    assert server_rule_list()[-1].text == "No cucumbers."


def test_a_report_keeps_known_rules_and_refuses_unknown_ones(user, other_user):
    rule = ServerRule.objects.get(position=8)
    report = report_create(
        reporter=user.account, target=other_user.account, category="rule", rule_ids=[rule.pk]
    )
    assert report.rule_ids == [rule.pk]
    with pytest.raises(ValidationError) as error:
        report_create(
            reporter=user.account, target=other_user.account, category="rule", rule_ids=[99999]
        )
    assert "rule_ids" in error.value.message_dict


def test_the_web_report_form_offers_the_rules(user, other_user):
    client = logged_in(user)
    form = client.get("/@bruno/report").content.decode()
    assert "Breaks a server rule" in form
    assert "No spam or manipulation." in form
    rule = ServerRule.objects.get(position=8)
    sent = client.post("/@bruno/report", {"category": "rule", "rule_ids": [rule.pk]})
    assert sent.status_code == 200
    assert Report.objects.get().rule_ids == [rule.pk]


def test_the_web_report_form_asks_which_rule_next_to_the_field(user, other_user):
    client = logged_in(user)
    response = client.post("/@bruno/report", {"category": "rule"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Pick the rules it breaks." in body
    # The error sits in the rules' fieldset.
    fieldset = body[body.index("Which rules?") :]
    assert fieldset.index("Pick the rules it breaks.") < fieldset.index("</fieldset>")
    assert not Report.objects.exists()
    unknown = client.post("/@bruno/report", {"category": "rule", "rule_ids": ["99999"]})
    assert unknown.status_code == 400
    assert not Report.objects.exists()
