import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.moderation.defaults import SHIPPED_ON
from hearth.moderation.models import (
    BlockedPhrase,
    ModerationAction,
    PolicyPage,
    PolicySlug,
    PolicyVersion,
)
from hearth.moderation.selectors import RenderedPolicy, policy_cache_key, policy_get
from hearth.moderation.services import (
    MAX_POLICY_LENGTH,
    blocked_phrase_add,
    blocked_phrase_remove,
    policy_update,
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
