"""Writes to users and accounts. The only place that creates or changes them."""

from collections.abc import Sequence
from functools import partial
from urllib.parse import urlsplit

from django.conf.global_settings import LANGUAGES
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from hearth.accounts.images import ProcessedImage
from hearth.accounts.models import Account, User
from hearth.accounts.models.account import MAX_PROFILE_LINKS, ProfileLink

PREFERENCE_FIELDS = ("default_visibility", "language", "theme", "require_alt_text")
#: Languages a member can post in: ISO 639-1 codes (the ones without a region) and their names.
POSTING_LANGUAGES: dict[str, str] = {
    code: str(name) for code, name in LANGUAGES if "-" not in code and len(code) == 2
}


@transaction.atomic
def account_create_for_user(*, user: User) -> Account:
    """Give a freshly signed-up user their public identity."""
    return Account.objects.create(user=user, username=user.username)


def account_mark_active(*, user_id: int) -> None:
    """Record that the member is using the site now (`Account.last_active_at`). One UPDATE;
    callers throttle it (the web middleware does, to once a day)."""
    Account.objects.filter(user_id=user_id).update(last_active_at=timezone.now())


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str,
    is_admin: bool = False,
    email_verified: bool = True,
) -> User:
    """Create a ready-to-use member (operators, seed data, tests): validated, with an Account.

    Raises django.core.exceptions.ValidationError keyed by field ("username", "email",
    "password") on a bad, taken or reserved username, a bad or taken email, or a weak password.
    Every problem is reported at once, so an operator fixes them in one go.
    """
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    # allauth stores and looks up addresses lower-cased; do the same so logins by email match.
    email = email.strip().lower()
    user = User(username=username, email=email, is_staff=is_admin, is_superuser=is_admin)
    errors: dict[str, list[str]] = {}
    try:
        # Uniqueness is checked below, case-insensitively and with a clearer message than the
        # generic "constraint violated" that validate_constraints would give.
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if "username" not in errors and _username_taken(username):
        errors["username"] = ["That username is taken."]
    if email and "email" not in errors and _email_taken(email):
        errors["email"] = ["That email address is already in use."]
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    if email:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
    account_create_for_user(user=user)
    return user


def _username_taken(username: str) -> bool:
    # An Account can exist without a User (remote or erased identities) and still owns its name.
    # Compared lower-cased so both lookups use the LOWER(username) unique indexes.
    lowered = username.lower()
    return (
        User.objects.alias(lowered=Lower("username")).filter(lowered=lowered).exists()
        or Account.objects.alias(lowered=Lower("username")).filter(lowered=lowered).exists()
    )


def _email_taken(email: str) -> bool:
    from allauth.account.models import EmailAddress

    # allauth stores addresses lower-cased, as `email` is here, so the index on email serves.
    return (
        EmailAddress.objects.filter(email=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    )


# --- Profile and preferences -----------------------------------------------------------------


def _check_links(links: Sequence[ProfileLink]) -> list[ProfileLink]:
    if len(links) > MAX_PROFILE_LINKS:
        raise ValidationError(
            {"links": f"You can show at most {MAX_PROFILE_LINKS} links on your profile."}
        )
    checked: list[ProfileLink] = []
    for link in links:
        if urlsplit(link["url"]).scheme.lower() not in ("http", "https"):
            raise ValidationError({"links": "Links must start with http:// or https://."})
        checked.append({"name": link["name"], "url": link["url"]})
    return checked


def _delete_on_commit(*names: str) -> None:
    """Remove replaced files once the new ones are committed; a rollback keeps the old ones."""
    for name in names:
        if name:
            transaction.on_commit(partial(default_storage.delete, name))


@transaction.atomic
def profile_update(
    *,
    account: Account,
    display_name: str,
    bio: str,
    links: Sequence[ProfileLink],
    locked: bool,
    discoverable: bool,
    hide_network: bool = False,
    avatar: ProcessedImage | None = None,
    header: ProcessedImage | None = None,
    remove_avatar: bool = False,
    remove_header: bool = False,
) -> Account:
    """Change what others see on `account`'s profile. The username cannot change.

    `avatar` and `header` are images already checked and re-encoded by `hearth.accounts.images`;
    `remove_*` clears one without a replacement. Raises ValidationError on bad fields.
    """
    account = Account.objects.select_for_update().get(pk=account.pk)
    account.display_name = display_name
    account.bio = bio
    account.links = _check_links(links)
    account.locked = locked
    account.discoverable = discoverable
    account.hide_network = hide_network
    account.full_clean(exclude=["avatar", "header", "username", "user"])

    replaced: list[str] = []
    for field, image, remove in (
        (account.avatar, avatar, remove_avatar),
        (account.header, header, remove_header),
    ):
        if image is None and not remove:
            continue
        replaced.append(field.name or "")
        if image is not None:
            # Writes the file now; if the transaction then fails, it is left behind unused,
            # which is the safe way round (a row never points at a missing file).
            field.save(image.filename, ContentFile(image.content), save=False)
        else:
            field.name = ""
    account.save()
    _delete_on_commit(*replaced)
    return account


@transaction.atomic
def preferences_update(
    *,
    user: User,
    default_visibility: str,
    language: str,
    theme: str,
    require_alt_text: bool | None = None,
) -> User:
    """Save a member's defaults for new posts and the site's look.

    Raises ValidationError on a value that isn't one of the choices.
    """
    if language and language not in POSTING_LANGUAGES:
        raise ValidationError({"language": "Choose a language from the list."})
    user.default_visibility = default_visibility
    user.language = language
    user.theme = theme
    if require_alt_text is not None:
        user.require_alt_text = require_alt_text
    user.full_clean(
        exclude=[f.name for f in User._meta.get_fields() if f.name not in PREFERENCE_FIELDS]
    )
    user.save(update_fields=[*PREFERENCE_FIELDS])
    return user
