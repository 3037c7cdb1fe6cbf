"""The moderators' blocked words and phrases page (/moderation/phrases) through the test client:
listing, adding and editing with errors beside the field, unblocking, the audit log, and the
effect on the next post (the cached matcher is dropped)."""

import pytest
from django.core.cache import cache
from django.test import Client

from hearth.moderation.models import ActionKind, BlockedPhrase, ModerationAction, PhraseAction
from hearth.moderation.roles import moderator_grant
from hearth.posts.models import Post
from hearth.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

URL = "/moderation/phrases"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The matcher is cached across requests; a test must not see one cached by an earlier test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mod(db):
    user = make_user("moira")
    moderator_grant(user=user)
    return user


@pytest.fixture
def mod_client(mod) -> Client:
    client = Client()
    client.force_login(mod)
    return client


def field_html(body: str, name: str) -> str:
    """The field group (the div.field) holding the input called `name`."""
    at = body.index(f'name="{name}"')
    start = body.rindex('<div class="field', 0, at)
    return body[start : body.index("</div>", at)]


def test_the_empty_page_explains_itself_and_offers_the_form(mod_client):
    response = mod_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "No blocked words or phrases yet." in body
    assert 'name="phrase"' in body
    # Whole word is ticked and "hold" chosen by default.
    assert "checked" in field_html(body, "whole_word")
    assert '<option value="hold" selected>' in body


def test_the_list_shows_each_phrase_in_words(mod_client):
    BlockedPhrase.objects.create(phrase="buy followers", whole_word=True, action=PhraseAction.HOLD)
    BlockedPhrase.objects.create(phrase="Casino", whole_word=False, action=PhraseAction.REJECT)
    body = mod_client.get(URL).content.decode()
    assert "No blocked words or phrases yet." not in body
    rows = body[body.index("<tbody>") : body.index("</tbody>")]
    # Alphabetically, whatever the letter case.
    assert rows.index("buy followers") < rows.index("Casino")
    buy = rows[rows.index("buy followers") : rows.index("Casino")]
    assert "Whole word" in buy
    assert "Held for review" in buy
    casino = rows[rows.index("Casino") :]
    assert "Anywhere in a word" in casino
    assert "Refused" in casino
    added = BlockedPhrase.objects.get(phrase="Casino").created_at
    assert f'datetime="{added.isoformat()}' in casino  # when it was added


def test_the_moderation_tabs_link_to_the_page(mod_client):
    assert f'href="{URL}"' in mod_client.get("/moderation/").content.decode()
    assert 'aria-current="page">Blocked phrases' in mod_client.get(URL).content.decode()


def test_adding_a_phrase_saves_it_flashes_and_logs_it(mod_client, mod):
    response = mod_client.post(
        URL, {"phrase": "  cheap   watches ", "whole_word": "on", "action": "reject"}
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    phrase = BlockedPhrase.objects.get()
    assert (phrase.phrase, phrase.whole_word, phrase.action) == ("cheap watches", True, "reject")
    page = mod_client.get(URL).content.decode()
    assert "“cheap watches” is blocked from the next post on." in page
    entry = ModerationAction.objects.get()
    assert entry.kind == ActionKind.PHRASE_BLOCK
    assert (entry.moderator_id, entry.moderator_username) == (mod.pk, "moira")
    assert entry.reason == "“cheap watches” (whole word; refuse the post)"
    assert entry.account_id is None


def test_an_unticked_box_means_anywhere_in_a_word(mod_client):
    mod_client.post(URL, {"phrase": "scam", "action": "hold"})
    assert BlockedPhrase.objects.get().whole_word is False


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter a word or phrase."),
        ("   ", "Enter a word or phrase."),
        ("x" * 201, "at most 200 characters (it has 201)"),
    ],
)
def test_an_invalid_phrase_is_an_error_beside_the_field(mod_client, typed, error):
    response = mod_client.post(URL, {"phrase": typed, "action": "reject"})
    assert response.status_code == 400
    body = response.content.decode()
    field = field_html(body, "phrase")
    assert "field--error" in field
    assert error in field
    if typed.strip():
        assert f'value="{typed}"' in field  # what was typed is kept
    assert '<option value="reject" selected>' in body  # and so is the choice
    assert not BlockedPhrase.objects.exists()
    assert not ModerationAction.objects.exists()


def test_a_phrase_already_listed_in_another_letter_case_is_refused(mod_client):
    BlockedPhrase.objects.create(phrase="Buy Followers", action=PhraseAction.HOLD)
    response = mod_client.post(URL, {"phrase": "buy  FOLLOWERS", "action": "reject"})
    assert response.status_code == 400
    field = field_html(response.content.decode(), "phrase")
    assert "“Buy Followers” is already blocked." in field
    assert 'value="buy  FOLLOWERS"' in field
    assert BlockedPhrase.objects.count() == 1
    assert not ModerationAction.objects.exists()


def test_an_unknown_action_is_an_error_beside_the_select(mod_client):
    response = mod_client.post(URL, {"phrase": "spam", "action": "explode"})
    assert response.status_code == 400
    assert "field--error" in field_html(response.content.decode(), "action")
    assert not BlockedPhrase.objects.exists()


def test_unblocking_removes_it_flashes_and_logs_it(mod_client, mod):
    phrase = BlockedPhrase.objects.create(phrase="casino", whole_word=False)
    response = mod_client.post(f"/moderation/phrases/{phrase.pk}/delete")
    assert response.status_code == 302
    assert response["Location"] == URL
    assert not BlockedPhrase.objects.exists()
    assert "“casino” is no longer blocked." in mod_client.get(URL).content.decode()
    entry = ModerationAction.objects.get()
    assert entry.kind == ActionKind.PHRASE_UNBLOCK
    assert entry.moderator_username == "moira"
    assert entry.reason == "“casino” (anywhere in a word; hold it for review)"


def test_unblocking_needs_a_post_and_an_existing_phrase(mod_client):
    phrase = BlockedPhrase.objects.create(phrase="casino")
    assert mod_client.get(f"/moderation/phrases/{phrase.pk}/delete").status_code == 405
    assert mod_client.post(f"/moderation/phrases/{phrase.pk + 1}/delete").status_code == 404
    assert BlockedPhrase.objects.count() == 1


def test_editing_a_phrase_shows_the_form_saves_and_logs_it(mod_client, mod):
    phrase = BlockedPhrase.objects.create(phrase="casino", whole_word=False)
    listing = mod_client.get(URL).content.decode()
    assert f'href="{URL}/{phrase.pk}"' in listing  # the row's Edit button
    form = mod_client.get(f"{URL}/{phrase.pk}")
    assert form.status_code == 200
    body = form.content.decode()
    assert 'value="casino"' in field_html(body, "phrase")
    assert '<option value="hold" selected>' in body
    assert "Matches anywhere in a word." in body
    saved = mod_client.post(f"{URL}/{phrase.pk}", {"phrase": " online  casino", "action": "reject"})
    assert saved.status_code == 302
    assert saved["Location"] == URL
    phrase.refresh_from_db()
    assert (phrase.phrase, phrase.whole_word, phrase.action) == ("online casino", False, "reject")
    assert "“online casino” saved, from the next post on." in mod_client.get(URL).content.decode()
    entry = ModerationAction.objects.get()
    assert entry.kind == ActionKind.PHRASE_CHANGE
    assert entry.moderator_username == "moira"
    assert entry.reason == (
        "“casino” (anywhere in a word; hold it for review)"
        " → “online casino” (anywhere in a word; refuse the post)"
    )


def test_an_invalid_edit_is_an_error_beside_the_field(mod_client):
    phrase = BlockedPhrase.objects.create(phrase="casino")
    BlockedPhrase.objects.create(phrase="Buy Followers")
    for typed, error in (
        ("  ", "Enter a word or phrase."),
        ("x" * 201, "at most 200 characters (it has 201)"),
        ("buy FOLLOWERS", "“Buy Followers” is already blocked."),
    ):
        response = mod_client.post(f"{URL}/{phrase.pk}", {"phrase": typed, "action": "reject"})
        assert response.status_code == 400
        body = response.content.decode()
        group = field_html(body, "phrase")
        assert "field--error" in group
        assert error in group
        assert '<option value="reject" selected>' in body  # the choice is kept
    phrase.refresh_from_db()
    assert (phrase.phrase, phrase.action) == ("casino", "hold")
    assert not ModerationAction.objects.exists()


def test_editing_needs_an_existing_phrase(mod_client):
    phrase = BlockedPhrase.objects.create(phrase="casino")
    assert mod_client.get(f"{URL}/{phrase.pk + 1}").status_code == 404
    missing = mod_client.post(f"{URL}/{phrase.pk + 1}", {"phrase": "x", "action": "hold"})
    assert missing.status_code == 404
    assert not ModerationAction.objects.exists()


def test_admins_see_the_entries_in_the_audit_log(mod_client, admin_user):
    mod_client.post(URL, {"phrase": "casino", "whole_word": "on", "action": "hold"})
    mod_client.post(f"/moderation/phrases/{BlockedPhrase.objects.get().pk}/delete")
    admin = Client()
    admin.force_login(admin_user)
    log = admin.get("/moderation/log").content.decode()
    assert "Blocked a word or phrase" in log
    assert "Unblocked a word or phrase" in log
    assert "“casino” (whole word; hold it for review)" in log
    # Not enforcement on anyone: the public transparency page doesn't count them.
    assert "word or phrase" not in Client().get("/about/moderation").content.decode()


def test_members_get_403_and_visitors_the_login_page(client_with_user):
    phrase = BlockedPhrase.objects.create(phrase="casino")
    for method, url, data in (
        ("get", URL, {}),
        ("post", URL, {"phrase": "spam", "action": "reject"}),
        ("get", f"/moderation/phrases/{phrase.pk}", {}),
        ("post", f"/moderation/phrases/{phrase.pk}", {"phrase": "spam", "action": "reject"}),
        ("post", f"/moderation/phrases/{phrase.pk}/delete", {}),
    ):
        assert getattr(client_with_user, method)(url, data).status_code == 403
        visitor = getattr(Client(), method)(url, data)
        assert visitor.status_code == 302
        assert visitor["Location"].startswith("/accounts/login/")
    assert list(BlockedPhrase.objects.values_list("phrase", flat=True)) == ["casino"]
    assert not ModerationAction.objects.exists()


def test_a_phrase_added_on_the_page_screens_the_very_next_post(mod_client, client_with_user):
    # Given a post screened once, so the (empty) matcher is cached
    sent = client_with_user.post("/posts", {"text": "Casino night!", "visibility": "public"})
    assert sent.status_code == 302
    assert Post.objects.get().review_state == ""

    # When a moderator refuses "casino" and holds "watches" on the page
    mod_client.post(URL, {"phrase": "casino", "whole_word": "on", "action": "reject"})
    mod_client.post(URL, {"phrase": "watches", "whole_word": "on", "action": "hold"})

    # Then the next post using the first is refused, beside the text box
    refused = client_with_user.post("/posts", {"text": "CASINO night!", "visibility": "public"})
    assert refused.status_code == 400
    assert "“CASINO” isn’t allowed on this server" in refused.content.decode()
    # and one using the second is held
    client_with_user.post("/posts", {"text": "Cheap watches", "visibility": "public"})
    assert Post.objects.get(text="Cheap watches").review_state == "held"

    # When the moderator unblocks "casino", the next post using it goes through
    casino = BlockedPhrase.objects.get(phrase="casino")
    mod_client.post(f"/moderation/phrases/{casino.pk}/delete")
    again = client_with_user.post("/posts", {"text": "Casino night, again", "visibility": "public"})
    assert again.status_code == 302
    assert Post.objects.get(text="Casino night, again").review_state == ""


def test_an_edited_phrase_screens_the_very_next_post_as_its_new_action_says(
    mod_client, client_with_user
):
    # Given "casino" held for review, and the matcher cached by a post it held
    mod_client.post(URL, {"phrase": "casino", "whole_word": "on", "action": "hold"})
    client_with_user.post("/posts", {"text": "Casino night!", "visibility": "public"})
    assert Post.objects.get(text="Casino night!").review_state == "held"
    phrase = BlockedPhrase.objects.get()

    # When a moderator rewords it to "poker" and has posts using it refused
    mod_client.post(f"{URL}/{phrase.pk}", {"phrase": "poker", "action": "reject"})

    # Then the next post using the new words is refused, beside the text box
    refused = client_with_user.post("/posts", {"text": "Poker night!", "visibility": "public"})
    assert refused.status_code == 400
    assert "“Poker” isn’t allowed on this server" in refused.content.decode()
    # and one using the old words goes through
    client_with_user.post("/posts", {"text": "Casino, again", "visibility": "public"})
    assert Post.objects.get(text="Casino, again").review_state == ""

    # When the moderator then holds it instead, the next post using it is held
    mod_client.post(f"{URL}/{phrase.pk}", {"phrase": "poker", "action": "hold"})
    client_with_user.post("/posts", {"text": "Poker, again", "visibility": "public"})
    assert Post.objects.get(text="Poker, again").review_state == "held"
