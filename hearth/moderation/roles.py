"""Who may moderate. A role, not "staff": members of the Moderators group (or anyone given the
`moderation.moderate` permission) handle reports and act on accounts; admins (superusers) have
every permission, so they are moderators too, and alone may place legal holds, export data for
a lawful request, delete an account's data and read the audit log."""

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.cache import cache
from django.db.models import QuerySet

from hearth.accounts.models import User

MODERATORS_GROUP = "Moderators"
MODERATE_PERMISSION = "moderation.moderate"


def is_moderator(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(MODERATE_PERMISSION))


#: How long the header's "is this member a moderator?" answer is reused (a role given through
#: moderator_grant shows at once; one changed in the Django admin within this many seconds).
NAV_CACHE_SECONDS = 5 * 60


def nav_key(user_id: int) -> str:
    return f"is-moderator:{user_id}"


def is_moderator_cached(user: User) -> bool:
    """is_moderator for the page frame: from the cache, so a page costs no permission queries."""
    key = nav_key(user.pk)
    found: bool | None = cache.get(key)
    if found is None:
        found = is_moderator(user)
        cache.set(key, found, NAV_CACHE_SECONDS)
    return found


def is_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def moderator_grant(*, user: User) -> None:
    """Make `user` a moderator: a member of the Moderators group. A migration makes the group;
    should it have gone (deleted in the admin, or a test database flushed), it is made again,
    with its permission."""
    group, created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    if created:
        app_label, codename = MODERATE_PERMISSION.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user.groups.add(group)
    cache.delete(nav_key(user.pk))
    # has_perm caches the member's permissions on the object; forget them.
    for cache_name in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache_name, None)


def moderator_revoke(*, user: User) -> None:
    """Take the Moderators group away from `user` (an admin stays an admin)."""
    group = Group.objects.filter(name=MODERATORS_GROUP).first()
    if group is not None:
        user.groups.remove(group)
    cache.delete(nav_key(user.pk))
    for cache_name in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache_name, None)


def moderators() -> "QuerySet[User]":
    """Members of the Moderators group, by username (admins are moderators too, not listed)."""
    return User.objects.filter(groups__name=MODERATORS_GROUP).order_by("username")
