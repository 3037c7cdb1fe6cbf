import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.moderation.defaults import SHIPPED_ON
from hearth.moderation.models import (
    ActionKind,
    BlockedPhrase,
    ModerationAction,
    PolicyPage,
    PolicySlug,
    PolicyVersion,
    ServerRule,
)
from hearth.moderation.roles import moderator_grant
from hearth.moderation.rules import PHRASES_KEY, blocked_phrase_matcher, server_rule_list
from hearth.moderation.selectors import RenderedPolicy, policy_cache_key, policy_get
from hearth.moderation.services import (
    MAX_POLICY_LENGTH,
    blocked_phrase_add,
    blocked_phrase_remove,
    blocked_phrase_update,
    policy_update,
    server_rule_add,
    server_rule_move,
    server_rule_remove,
    server_rule_update,
)

pytestmark = pytest.mark.django_db


def test_every_policy_page_exists_from_the_first_start():
    # The data migration creates the pages, so admins find them before anyone saved a version.
    assert set(PolicyPage.objects.values_list("slug", flat=True)) == {
        "about",
        "privacy",
        "terms",
        "guidelines",
    }


def test_update_adds_a_version_and_keeps_the_old_ones(admin_user):
    # Given the privacy policy viewed once (so its rendering is cached)
    assert "Updated privacy text" not in policy_get(slug="privacy").html

    # When an admin saves a new text twice
    first = policy_update(slug="privacy", body="## A\n\nOld text.", editor=admin_user)
    second = policy_update(
        slug="privacy", body="## B\n\nUpdated privacy text.\r\n", editor=admin_user, note=" Fix "
    )

    # Then both versions are kept, with who saved them and why
    versions = list(PolicyVersion.objects.filter(page_id="privacy").order_by("id"))
    assert versions == [first, second]
    assert second.editor == admin_user
    assert second.note == "Fix"
    assert second.body == "## B\n\nUpdated privacy text."
    # and the page shows the new one straight away
    assert "Updated privacy text." in policy_get(slug="privacy").html


def test_saving_the_same_text_again_adds_no_version(admin_user):
    version = policy_update(slug="terms", body="Same.", editor=admin_user)
    again = policy_update(slug="terms", body="Same.\n", editor=admin_user)
    assert again == version
    assert PolicyVersion.objects.filter(page_id="terms").count() == 1


def test_cache_is_dropped_again_after_commit(admin_user, django_capture_on_commit_callbacks):
    # Given an update whose transaction hasn't committed yet
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        policy_update(slug="about", body="## New\n\nFresh about text.", editor=admin_user)
        # When another process, still seeing the old row, caches the old rendering meanwhile
        stale = RenderedPolicy(
            slug="about", title="About", html="<p>Stale</p>", updated_on=SHIPPED_ON, edited=False
        )
        cache.set(policy_cache_key(PolicySlug.ABOUT), stale)

    # Then the commit drops that copy, and readers get the new text
    assert len(callbacks) == 1
    assert "Fresh about text." in policy_get(slug="about").html


def test_a_missing_page_row_is_recreated(admin_user):
    PolicyPage.objects.filter(slug="terms").delete()
    policy_update(slug="terms", body="Back.", editor=admin_user)
    assert PolicyPage.objects.filter(slug="terms").exists()


@pytest.mark.parametrize(
    ("slug", "body", "field", "message"),
    [
        ("rules", "Text", "slug", "There is no policy page called “rules”."),
        ("terms", "  \n ", "body", "The page can’t be empty."),
        ("terms", "x" * (MAX_POLICY_LENGTH + 1), "body", "Keep the page under 100,000 characters"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(admin_user, slug, body, field, message):
    with pytest.raises(ValidationError) as error:
        policy_update(slug=slug, body=body, editor=admin_user)
    assert message in error.value.message_dict[field][0]
    assert not PolicyVersion.objects.exists()


# --- Blocked words and phrases ------------------------------------------------------------------


def test_only_moderators_may_block_or_unblock_a_phrase(user, admin_user):
    with pytest.raises(PermissionDenied):
        blocked_phrase_add(actor=user, phrase="casino", whole_word=True, action="reject")
    # An admin is a moderator too.
    phrase = blocked_phrase_add(actor=admin_user, phrase="casino", whole_word=True, action="hold")
    with pytest.raises(PermissionDenied):
        blocked_phrase_remove(actor=user, phrase=phrase)
    assert BlockedPhrase.objects.get() == phrase
    assert ModerationAction.objects.get().moderator_username == "root_admin"


def test_a_blocked_phrase_is_checked_for_callers_other_than_the_web_form(admin_user):
    blocked_phrase_add(actor=admin_user, phrase="Buy\tfollowers", whole_word=True, action="hold")
    assert BlockedPhrase.objects.get().phrase == "Buy followers"
    for phrase, action, field in (
        ("\x00 ", "hold", "phrase"),
        ("y" * 201, "hold", "phrase"),
        ("BUY FOLLOWERS", "hold", "phrase"),
        ("spam", "explode", "action"),
    ):
        with pytest.raises(ValidationError) as error:
            blocked_phrase_add(actor=admin_user, phrase=phrase, whole_word=True, action=action)
        assert list(error.value.message_dict) == [field]
    assert BlockedPhrase.objects.count() == 1


def test_only_moderators_may_edit_a_phrase(user, admin_user):
    phrase = blocked_phrase_add(actor=admin_user, phrase="casino", whole_word=True, action="hold")
    with pytest.raises(PermissionDenied):
        blocked_phrase_update(actor=user, phrase=phrase, text="poker", action="reject")
    phrase.refresh_from_db()
    assert (phrase.phrase, phrase.action) == ("casino", "hold")
    assert ModerationAction.objects.get().kind == ActionKind.PHRASE_BLOCK


def test_editing_a_phrase_changes_its_text_and_logs_before_and_after(user, admin_user):
    moderator_grant(user=user)
    phrase = blocked_phrase_add(actor=admin_user, phrase="casino", whole_word=True, action="hold")
    blocked_phrase_update(actor=user, phrase=phrase, text="  online\tCasino ", action="hold")
    phrase.refresh_from_db()
    assert (phrase.phrase, phrase.whole_word, phrase.action) == ("online Casino", True, "hold")
    entry = ModerationAction.objects.get(kind=ActionKind.PHRASE_CHANGE)
    assert entry.moderator_username == user.username
    assert entry.reason == (
        "“casino” (whole word; hold it for review)"
        " → “online Casino” (whole word; hold it for review)"
    )


def test_editing_a_phrase_changes_its_action(admin_user):
    phrase = blocked_phrase_add(actor=admin_user, phrase="casino", whole_word=False, action="hold")
    blocked_phrase_update(actor=admin_user, phrase=phrase, text="casino", action="reject")
    phrase.refresh_from_db()
    assert (phrase.phrase, phrase.whole_word, phrase.action) == ("casino", False, "reject")
    assert ModerationAction.objects.get(kind=ActionKind.PHRASE_CHANGE).reason == (
        "“casino” (anywhere in a word; hold it for review)"
        " → “casino” (anywhere in a word; refuse the post)"
    )


def test_saving_a_phrase_unchanged_writes_nothing(admin_user, django_assert_max_num_queries):
    phrase = blocked_phrase_add(actor=admin_user, phrase="buy followers", action="hold")
    with django_assert_max_num_queries(3) as captured:  # a savepoint and the duplicate check
        blocked_phrase_update(
            actor=admin_user, phrase=phrase, text="buy  followers ", action="hold"
        )
    assert not [
        query for query in captured if query["sql"].lstrip().startswith(("UPDATE", "INSERT"))
    ]
    assert list(ModerationAction.objects.values_list("kind", flat=True)) == [
        ActionKind.PHRASE_BLOCK
    ]


def test_an_edited_phrase_is_checked_like_a_new_one(admin_user):
    phrase = blocked_phrase_add(actor=admin_user, phrase="casino", action="hold")
    blocked_phrase_add(actor=admin_user, phrase="Buy followers", action="hold")
    for text, action, field in (
        ("\x00 ", "hold", "phrase"),
        ("y" * 201, "hold", "phrase"),
        ("BUY FOLLOWERS", "hold", "phrase"),
        ("spam", "explode", "action"),
    ):
        with pytest.raises(ValidationError) as error:
            blocked_phrase_update(actor=admin_user, phrase=phrase, text=text, action=action)
        assert list(error.value.message_dict) == [field]
    phrase.refresh_from_db()
    assert phrase.phrase == "casino"
    # Its own text in another letter case isn't a duplicate of itself.
    blocked_phrase_update(actor=admin_user, phrase=phrase, text="CASINO", action="hold")
    assert BlockedPhrase.objects.get(pk=phrase.pk).phrase == "CASINO"


def test_editing_a_phrase_drops_the_cached_matcher(admin_user):
    phrase = blocked_phrase_add(actor=admin_user, phrase="casino", action="hold")
    cache.set(PHRASES_KEY, "stale")
    blocked_phrase_update(actor=admin_user, phrase=phrase, text="poker", action="hold")
    assert cache.get(PHRASES_KEY) is None


def test_a_process_screens_with_its_copy_of_the_phrases_and_drops_it_on_a_change(admin_user):
    # Given the matcher read once (from the database, into the shared cache and this process)
    phrase = blocked_phrase_add(actor=admin_user, phrase="casino", action="hold")
    assert blocked_phrase_matcher().hold.search("casino night")
    # When the shared copy is gone, as another process's change leaves it
    cache.delete(PHRASES_KEY)
    # Then this process still screens with its own copy, without a round trip
    assert blocked_phrase_matcher().hold.search("casino night")
    assert cache.get(PHRASES_KEY) is None
    # And a change made here drops this process's copy at once
    blocked_phrase_update(actor=admin_user, phrase=phrase, text="poker", action="hold")
    matcher = blocked_phrase_matcher()
    assert matcher.hold.search("poker face")
    assert not matcher.hold.search("casino night")


# --- Server rules -------------------------------------------------------------------------------


def _texts() -> list[str]:
    return list(ServerRule.objects.order_by("position", "id").values_list("text", flat=True))


def test_only_admins_may_change_the_server_rules(user, other_user):
    # Rules are the community's policy: a moderator (who may block phrases) may not.
    moderator_grant(user=other_user)
    rule = ServerRule.objects.get(position=1)
    for actor in (user, other_user):
        with pytest.raises(PermissionDenied):
            server_rule_add(actor=actor, text="No cucumbers.")
        with pytest.raises(PermissionDenied):
            server_rule_update(actor=actor, rule=rule, text="Be kind.")
        with pytest.raises(PermissionDenied):
            server_rule_move(actor=actor, rule=rule, up=False)
        with pytest.raises(PermissionDenied):
            server_rule_remove(actor=actor, rule=rule)
    assert len(_texts()) == 10
    assert _texts()[0] == "Treat people with respect."
    assert not ModerationAction.objects.exists()


def test_adding_a_rule_puts_it_last_and_logs_it(admin_user):
    rule = server_rule_add(actor=admin_user, text="  No   cucumbers. ", hint=" Really.\r\nNone. ")
    assert (rule.text, rule.hint) == ("No cucumbers.", "Really.\nNone.")
    assert _texts()[-1] == "No cucumbers."
    entry = ModerationAction.objects.get()
    assert entry.kind == ActionKind.RULE_ADD
    assert (entry.moderator_id, entry.moderator_username) == (admin_user.pk, "root_admin")
    assert entry.reason == "“No cucumbers.”"
    assert entry.account_id is None


def test_a_rule_is_checked_for_callers_other_than_the_web_form(admin_user):
    for text, hint, field in (
        ("\x00 \n", "", "text"),
        ("y" * 301, "", "text"),
        ("no SPAM or manipulation.", "", "text"),
        ("Fine.", "z" * 1001, "hint"),
    ):
        with pytest.raises(ValidationError) as error:
            server_rule_add(actor=admin_user, text=text, hint=hint)
        assert list(error.value.message_dict) == [field]
    assert server_rule_add(actor=admin_user, text="y" * 300, hint="z" * 1000).pk
    assert len(_texts()) == 11


def test_editing_a_rule_keeps_its_id_and_logs_before_and_after(admin_user):
    rule = ServerRule.objects.get(position=2)
    server_rule_update(actor=admin_user, rule=rule, text="No hate, ever.", hint=rule.hint)
    rule.refresh_from_db()
    assert rule.text == "No hate, ever."
    server_rule_update(actor=admin_user, rule=rule, text="No hate, ever.", hint="None.")
    # Saved unchanged: nothing to log.
    server_rule_update(actor=admin_user, rule=rule, text=" No hate, ever.", hint="None.")
    reasons = list(ModerationAction.objects.order_by("id").values_list("kind", "reason"))
    assert reasons == [
        (ActionKind.RULE_CHANGE, "“No hate.” → “No hate, ever.”"),
        (ActionKind.RULE_CHANGE, "“No hate, ever.” (explanation changed)"),
    ]
    # Its own text isn't a duplicate of itself, in any case; another rule's is.
    server_rule_update(actor=admin_user, rule=rule, text="NO HATE, EVER.", hint="None.")
    with pytest.raises(ValidationError) as error:
        server_rule_update(actor=admin_user, rule=rule, text="Respect privacy.")
    assert list(error.value.message_dict) == ["text"]


def test_moving_a_rule_swaps_it_with_its_neighbour_and_logs_where_it_is(admin_user):
    ServerRule.objects.filter(position__gte=4).delete()  # three rules, positions 1..3
    ServerRule.objects.filter(position=3).update(position=30)  # gaps don't matter
    first, second, third = ServerRule.objects.order_by("position")
    server_rule_move(actor=admin_user, rule=third, up=True)
    assert _texts() == [first.text, third.text, second.text]
    assert list(ServerRule.objects.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]
    server_rule_move(actor=admin_user, rule=first, up=False)
    assert _texts() == [third.text, first.text, second.text]
    # At either end, nothing moves and nothing is logged.
    server_rule_move(actor=admin_user, rule=third, up=True)
    server_rule_move(actor=admin_user, rule=second, up=False)
    assert _texts() == [third.text, first.text, second.text]
    assert list(ModerationAction.objects.order_by("id").values_list("kind", "reason")) == [
        (ActionKind.RULE_MOVE, f"“{third.text}” (now 2 of 3)"),
        (ActionKind.RULE_MOVE, f"“{first.text}” (now 2 of 3)"),
    ]


def test_removing_a_rule_logs_its_text(admin_user):
    rule = ServerRule.objects.get(position=10)
    server_rule_remove(actor=admin_user, rule=rule)
    assert len(_texts()) == 9
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.reason) == (ActionKind.RULE_REMOVE, "“Mark sensitive content.”")


def test_every_change_drops_the_cached_rules(admin_user, django_assert_num_queries):
    def cached_texts() -> list[str]:
        server_rule_list()
        with django_assert_num_queries(0):
            return [rule.text for rule in server_rule_list()]

    assert cached_texts()[0] == "Treat people with respect."
    added = server_rule_add(actor=admin_user, text="No cucumbers.")
    assert cached_texts()[-1] == "No cucumbers."
    server_rule_update(actor=admin_user, rule=added, text="No gherkins.")
    assert cached_texts()[-1] == "No gherkins."
    server_rule_move(actor=admin_user, rule=added, up=True)  # bulk_update: no post_save
    assert cached_texts()[-2] == "No gherkins."
    server_rule_remove(actor=admin_user, rule=added)
    assert "No gherkins." not in cached_texts()
