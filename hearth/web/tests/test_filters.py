"""Settings → Muted words (/settings/filters), and muted words on the web's home and public
timelines."""

import pytest
from django.test import Client

from hearth.accounts.models import User
from hearth.filters import services as filters
from hearth.filters.models import Filter, FilterKeyword
from hearth.graph import services as graph
from hearth.posts.tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_page_lists_nothing_at_first_and_is_in_the_settings_nav(client_with_user: Client) -> None:
    response = client_with_user.get("/settings/filters")
    assert response.status_code == 200
    page = response.content.decode()
    assert "You haven’t muted any words" in page
    assert 'href="/settings/filters" aria-current="page"' in page
    assert 'for="id_phrase"' in page


def test_add_then_delete_a_muted_word(client_with_user: Client, user: User) -> None:
    # When Ana mutes "dune" in home, hidden completely, for a day
    response = client_with_user.post(
        "/settings/filters",
        {
            "phrase": " Dune ",
            "whole_word": "on",
            "context": ["home", "public"],
            "filter_action": "hide",
            "expires_in": "86400",
        },
    )
    # Then it is stored as her filter with one whole-word keyword, and listed
    assert response.status_code == 302
    made = Filter.objects.get(owner=user.account)
    assert made.context == ["home", "public"]
    assert made.filter_action == "hide"
    assert made.expires_at is not None
    assert [(k.keyword, k.whole_word) for k in FilterKeyword.objects.filter(filter=made)] == [
        ("Dune", True)
    ]
    page = client_with_user.get("/settings/filters").content.decode()
    assert "“Dune”" in page
    assert "Hidden" in page
    # When she unmutes it
    gone = client_with_user.post(f"/settings/filters/{made.pk}/delete")
    assert gone.status_code == 302
    assert not Filter.objects.exists()


def test_errors_are_shown_next_to_the_fields(client_with_user: Client) -> None:
    response = client_with_user.post(
        "/settings/filters", {"phrase": "   ", "filter_action": "explode"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    form = response.context["form"]
    assert form.errors["phrase"]
    assert form.errors["context"] == ["Choose at least one place."]
    assert form.errors["filter_action"]
    assert "Choose at least one place." in page
    assert not Filter.objects.exists()


def test_someone_elses_filter_cannot_be_deleted(client_with_user: Client, other_user: User) -> None:
    theirs = filters.filter_create(owner=other_user.account, title="x", context=["home"])
    response = client_with_user.post(f"/settings/filters/{theirs.pk}/delete")
    assert response.status_code == 404
    assert Filter.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("path", ["/", "/public"])
def test_home_and_public_hide_and_warn(
    client_with_user: Client, user: User, other_user: User, path: str
) -> None:
    # Given Ana follows Bruno, hides "dune" and is warned about "spice"
    graph.follow(actor=user.account, target=other_user.account)
    for word, action in [("dune", "hide"), ("spice", "warn")]:
        filters.filter_create(
            owner=user.account,
            title=word,
            context=["home", "public"],
            filter_action=action,
            keywords=[filters.KeywordChange(keyword=word)],
        )
    make_post(other_user.account, "Dune was great")
    make_post(other_user.account, "The Spice must flow")
    make_post(other_user.account, "Nice weather")
    # When she opens the timeline
    page = client_with_user.get(path).content.decode()
    # Then the hidden post is absent, the warned one folded, the plain one shown
    assert "Dune was great" not in page
    assert "Nice weather" in page
    assert "Hidden by your muted word “spice”" in page
    assert "The Spice must flow" in page  # inside the <details>, one click away
    folded = page.split("Hidden by your muted word")[0].rsplit("<details", 1)[1]
    assert "filtered-post" in folded
