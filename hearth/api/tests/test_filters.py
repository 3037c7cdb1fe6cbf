"""/api/v2/filters (CRUD, keywords, statuses), /api/v1/filters, and filters applied to the
API's timelines, notifications and threads (hearth.api.filtering)."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from hearth.accounts.models import Account, User
from hearth.filters import services as filters
from hearth.filters.models import Filter, FilterKeyword
from hearth.filters.selectors import filters_key
from hearth.graph import services as graph
from hearth.posts.tests.factories import make_post

pytestmark = pytest.mark.django_db
Headers = dict[str, str]
HOME = "/api/v1/timelines/home"


@pytest.fixture
def ana_account(user: User) -> Account:
    return user.account


@pytest.fixture
def bruno_account(other_user: User) -> Account:
    return other_user.account


def mute_words(owner: Account, *words: str, action: str = "warn", **kwargs: Any) -> Filter:
    return filters.filter_create(
        owner=owner,
        title=kwargs.pop("title", "Muted"),
        context=kwargs.pop("context", ["home", "public", "notifications", "thread", "account"]),
        filter_action=action,
        keywords=[filters.KeywordChange(keyword=word, **kwargs) for word in words],
    )


# --- CRUD --------------------------------------------------------------------------------------


def test_create_as_form_with_rails_keys_then_read(
    client: Client, ana: Headers, ana_account: Account, check: Any
) -> None:
    # When Ana's app posts a filter as a form, with Rails' bracketed keys
    body = (
        "title=Spoilers&context[]=home&context[]=public&filter_action=hide&expires_in=3600"
        "&keywords_attributes[][keyword]=dune&keywords_attributes[][whole_word]=1"
        "&keywords_attributes[][keyword]=paul atreides&keywords_attributes[][whole_word]=0"
    )
    created = client.post(
        "/api/v2/filters",
        body,
        content_type="application/x-www-form-urlencoded",
        headers=ana,
    )
    # Then it is hers, with both keywords
    assert created.status_code == 200, created.json()
    check("Filter", created.json())
    data = created.json()
    assert data["title"] == "Spoilers"
    assert data["context"] == ["home", "public"]
    assert data["filter_action"] == "hide"
    assert data["expires_at"] is not None
    assert [(k["keyword"], k["whole_word"]) for k in data["keywords"]] == [
        ("dune", True),
        ("paul atreides", False),
    ]
    stored = Filter.objects.get(pk=int(data["id"]))
    assert stored.owner == ana_account
    # And it is listed, and readable by id, as are its keywords
    listed = client.get("/api/v2/filters", headers=ana)
    check("Filter[]", listed.json())
    assert [item["id"] for item in listed.json()] == [data["id"]]
    one = client.get(f"/api/v2/filters/{data['id']}", headers=ana)
    check("Filter", one.json())
    keywords = client.get(f"/api/v2/filters/{data['id']}/keywords", headers=ana)
    check("FilterKeyword[]", keywords.json())
    assert len(keywords.json()) == 2
    # And v1 shows each keyword as a v1 filter
    v1 = client.get("/api/v1/filters", headers=ana)
    check("V1Filter[]", v1.json())
    assert sorted(item["phrase"] for item in v1.json()) == ["dune", "paul atreides"]
    assert all(item["irreversible"] for item in v1.json())


def test_update_with_destroy_and_new_keywords_as_json(
    client: Client, ana: Headers, ana_account: Account, check: Any
) -> None:
    # Given a filter with two keywords and an expiry
    made = mute_words(ana_account, "dune", "arrakis")
    made.expires_at = timezone.now() + timedelta(days=1)
    made.save()
    dune, arrakis = FilterKeyword.objects.filter(filter=made).order_by("id")
    # When the app renames it, drops one keyword, changes the other, adds one, clears expiry
    response = client.put(
        f"/api/v2/filters/{made.pk}",
        {
            "title": "Books",
            "context": ["thread"],
            "expires_in": "",
            "keywords_attributes": [
                {"id": str(dune.pk), "_destroy": "1"},
                {"id": str(arrakis.pk), "whole_word": False},
                {"keyword": "spice"},
            ],
        },
        content_type="application/json",
        headers=ana,
    )
    # Then the filter is changed as asked
    assert response.status_code == 200, response.json()
    check("Filter", response.json())
    data = response.json()
    assert data["title"] == "Books"
    assert data["context"] == ["thread"]
    assert data["expires_at"] is None
    assert {(k["keyword"], k["whole_word"]) for k in data["keywords"]} == {
        ("arrakis", False),
        ("spice", True),
    }
    assert not FilterKeyword.objects.filter(pk=dune.pk).exists()


def test_keywords_and_statuses_endpoints(
    client: Client, ana: Headers, ana_account: Account, bruno_account: Account, check: Any
) -> None:
    made = mute_words(ana_account)
    # Keywords: add, read, change, delete
    added = client.post(f"/api/v2/filters/{made.pk}/keywords", {"keyword": "dune"}, headers=ana)
    assert added.status_code == 200
    check("FilterKeyword", added.json())
    keyword_id = added.json()["id"]
    changed = client.put(
        f"/api/v2/filters/keywords/{keyword_id}",
        {"whole_word": "false"},
        content_type="application/json",
        headers=ana,
    )
    check("FilterKeyword", changed.json())
    assert changed.json()["whole_word"] is False
    check("FilterKeyword", client.get(f"/api/v2/filters/keywords/{keyword_id}", headers=ana).json())
    gone = client.delete(f"/api/v2/filters/keywords/{keyword_id}", headers=ana)
    assert gone.status_code == 200
    assert gone.json() == {}
    assert not FilterKeyword.objects.filter(pk=int(keyword_id)).exists()
    # Statuses: add a post, list, read, delete
    post = make_post(bruno_account, "a post to hide")
    status = client.post(
        f"/api/v2/filters/{made.pk}/statuses", {"status_id": str(post.pk)}, headers=ana
    )
    assert status.status_code == 200
    check("FilterStatus", status.json())
    assert status.json()["status_id"] == str(post.pk)
    listed = client.get(f"/api/v2/filters/{made.pk}/statuses", headers=ana)
    check("FilterStatus[]", listed.json())
    assert len(listed.json()) == 1
    status_id = status.json()["id"]
    check("FilterStatus", client.get(f"/api/v2/filters/statuses/{status_id}", headers=ana).json())
    assert client.delete(f"/api/v2/filters/statuses/{status_id}", headers=ana).status_code == 200
    assert client.get(f"/api/v2/filters/{made.pk}/statuses", headers=ana).json() == []
    # And the filter itself can be deleted
    assert client.delete(f"/api/v2/filters/{made.pk}", headers=ana).status_code == 200
    assert not Filter.objects.filter(pk=made.pk).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "context": ["home"]}, "title"),
        ({"context": ["home"]}, "title"),
        ({"title": "x", "context": ["everywhere"]}, "context"),
        ({"title": "x"}, "context"),
        ({"title": "x", "context": ["home"], "filter_action": "explode"}, "filter_action"),
        ({"title": "x", "context": ["home"], "expires_in": "soon"}, "expires_in"),
        (
            {"title": "x", "context": ["home"], "keywords_attributes": [{"keyword": " "}]},
            "keywords_attributes",
        ),
        (
            {"title": "x", "context": ["home"], "keywords_attributes": [{"id": "1"}]},
            "keywords_attributes",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field(
    client: Client, ana: Headers, check: Any, body: dict[str, Any], field: str
) -> None:
    response = client.post("/api/v2/filters", body, content_type="application/json", headers=ana)
    assert response.status_code == 422
    check("ValidationError", response.json())
    assert field in response.json()["error"]
    assert not Filter.objects.exists()


def test_others_filters_are_404(
    client: Client, bruno: Headers, ana_account: Account, check: Any
) -> None:
    made = mute_words(ana_account, "dune")
    keyword = FilterKeyword.objects.get(filter=made)
    for method, path in [
        ("get", f"/api/v2/filters/{made.pk}"),
        ("put", f"/api/v2/filters/{made.pk}"),
        ("delete", f"/api/v2/filters/{made.pk}"),
        ("get", f"/api/v2/filters/{made.pk}/keywords"),
        ("post", f"/api/v2/filters/{made.pk}/keywords"),
        ("get", f"/api/v2/filters/keywords/{keyword.pk}"),
        ("delete", f"/api/v2/filters/keywords/{keyword.pk}"),
        ("get", "/api/v2/filters/not-a-number"),
    ]:
        response = getattr(Client(), method)(path, headers=bruno)
        assert response.status_code == 404, path
        check("Error", response.json())
    assert client.get("/api/v2/filters", headers=bruno).json() == []
    assert Filter.objects.filter(pk=made.pk).exists()


def test_filters_need_a_token(client: Client, check: Any) -> None:
    response = client.get("/api/v2/filters")
    assert response.status_code == 401
    check("Error", response.json())


# --- Applied -----------------------------------------------------------------------------------


def test_hide_drops_from_home_and_public_and_warn_sets_filtered(
    client: Client, ana: Headers, ana_account: Account, bruno_account: Account, check: Any
) -> None:
    # Given Ana follows Bruno, hides "dune" and is warned about "spice"
    graph.follow(actor=ana_account, target=bruno_account)
    mute_words(ana_account, "dune", action="hide", title="No Dune")
    warn = mute_words(ana_account, "spice", action="warn", title="Spice")
    hidden = make_post(bruno_account, "I loved DUNE!")
    warned = make_post(bruno_account, "The spice must flow")
    plain = make_post(bruno_account, "Nice weather")
    for path in ["/api/v1/timelines/home", "/api/v1/timelines/public"]:
        # When she reads the timeline
        response = client.get(path, headers=ana)
        data = response.json()
        check("Status[]", data)
        # Then the hidden post is gone, the warned one carries its FilterResult
        assert [int(item["id"]) for item in data if item["account"]["username"] == "bruno"] == [
            plain.pk,
            warned.pk,
        ], path
        by_id = {int(item["id"]): item for item in data}
        assert by_id[plain.pk]["filtered"] == []
        result = by_id[warned.pk]["filtered"]
        check("FilterResult[]", result)
        assert result[0]["filter"]["id"] == str(warn.pk)
        assert result[0]["keyword_matches"] == ["spice"]
        assert hidden.pk not in by_id


def test_a_member_without_filters_costs_no_look_for_them_until_she_adds_one(
    client: Client, ana: Headers, ana_account: Account, bruno_account: Account
) -> None:
    # Given Ana, who has no filters, follows Bruno, who wrote about Dune
    graph.follow(actor=ana_account, target=bruno_account)
    dune = make_post(bruno_account, "I loved DUNE!")
    cache.clear()

    # When she reads her home, the token lookup tells she has no filters: they are never
    # looked up (looking them up caches them)
    ids = [int(item["id"]) for item in client.get(HOME, headers=ana).json()]
    assert dune.pk in ids
    assert cache.get(filters_key(ana_account.pk)) is None

    # Then once she hides "dune" through the API, her next read applies it
    created = client.post(
        "/api/v2/filters",
        {"title": "No Dune", "context": ["home"], "filter_action": "hide",
         "keywords_attributes": [{"keyword": "dune"}]},
        content_type="application/json",
        headers=ana,
    )  # fmt: skip
    assert created.status_code == 200
    ids = [int(item["id"]) for item in client.get(HOME, headers=ana).json()]
    assert dune.pk not in ids


def test_filters_only_apply_in_their_context_and_until_they_expire(
    client: Client, ana: Headers, ana_account: Account, bruno_account: Account
) -> None:
    # Given one filter for home only, and one that has expired
    mute_words(ana_account, "dune", action="hide", context=["home"])
    old = mute_words(ana_account, "spice", action="hide", context=["public"])
    old.expires_at = timezone.now() - timedelta(minutes=1)
    old.save()
    make_post(bruno_account, "dune and spice")
    # Then the public timeline (not home) still shows the post: context and expiry respected
    data = client.get("/api/v1/timelines/public", headers=ana).json()
    assert [item["content"] for item in data] == ["<p>dune and spice</p>"]
    assert data[0]["filtered"] == []


def test_whole_word_versus_substring(
    client: Client, ana: Headers, ana_account: Account, bruno_account: Account
) -> None:
    mute_words(ana_account, "cat", action="warn", whole_word=True, title="Whole")
    mute_words(ana_account, "dog", action="warn", whole_word=False, title="Part")
    make_post(bruno_account, "Concatenate hotdogs")
    make_post(bruno_account, "My CAT, and the Ünïcode café")
    data = client.get("/api/v1/timelines/public", headers=ana).json()
    titles = {item["content"]: [r["filter"]["title"] for r in item["filtered"]] for item in data}
    assert titles["<p>Concatenate hotdogs</p>"] == ["Part"]
    assert titles["<p>My CAT, and the Ünïcode café</p>"] == ["Whole"]


def test_status_filter_account_statuses_context_and_notifications(
    client: Client,
    ana: Headers,
    ana_account: Account,
    bruno_account: Account,
    check: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a post Ana added to a warn filter, and a hiding word in every context
    root = make_post(ana_account, "root")
    with django_capture_on_commit_callbacks(execute=True):
        reply = make_post(bruno_account, "@ana a reply", in_reply_to=root)
        make_post(bruno_account, "@ana secret plans", in_reply_to=root)
    made = mute_words(ana_account, action="warn", title="This one")
    filters.filter_status_add(filter_=made, post=reply)
    mute_words(ana_account, "secret", action="hide")
    # Then the thread shows the reply flagged and leaves the hidden one out
    thread = client.get(f"/api/v1/statuses/{root.pk}/context", headers=ana).json()
    check("Context", thread)
    assert [item["id"] for item in thread["descendants"]] == [str(reply.pk)]
    assert thread["descendants"][0]["filtered"][0]["status_matches"] == [str(reply.pk)]
    # And so does Bruno's profile for Ana
    statuses = client.get(f"/api/v1/accounts/{bruno_account.pk}/statuses", headers=ana).json()
    check("Status[]", statuses)
    assert [item["id"] for item in statuses] == [str(reply.pk)]
    # And her notifications: the mention in the hidden post is left out
    notes = client.get("/api/v1/notifications", headers=ana).json()
    check("Notification[]", notes)
    assert [n["status"]["id"] for n in notes if n.get("status")] == [str(reply.pk)]
    assert notes[0]["status"]["filtered"][0]["filter"]["title"] == "This one"


def test_list_query_count_does_not_grow(
    client: Client, ana: Headers, ana_account: Account, django_assert_max_num_queries: Any
) -> None:
    counts = []
    for more in (2, 10):
        for n in range(more):
            mute_words(ana_account, f"word{n}", f"other{n}")
        with django_assert_max_num_queries(10) as captured:
            assert client.get("/api/v2/filters", headers=ana).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
