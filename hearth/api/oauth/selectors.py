"""Reads for OAuth: which apps a member has let in."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Min
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from hearth.accounts.models import User
from hearth.api.models import ClientApplication


@dataclass(frozen=True)
class AuthorizedApp:
    application: Application
    website: str
    #: Every scope granted to the app's live tokens for this member.
    scopes: list[str]
    first_authorized: datetime
    last_authorized: datetime


def _scope_order(scope: str) -> tuple[int, str]:
    """read, write, follow, push first (as apps list them), then granular scopes by name."""
    top = ("read", "write", "follow", "push", "profile")
    return (top.index(scope) if scope in top else len(top), scope)


def authorized_apps_for(*, user: User) -> list[AuthorizedApp]:
    """Apps holding an unexpired token for `user`, most recently authorized first."""
    rows = (
        AccessToken.objects.filter(user=user, expires__gt=timezone.now())
        .values("application_id")
        .annotate(first=Min("created"), last=Max("created"))
        .order_by("-last")
    )
    rows = [row for row in rows if row["application_id"] is not None]
    ids = [row["application_id"] for row in rows]
    apps = Application.objects.in_bulk(ids)
    websites = dict(
        ClientApplication.objects.filter(application_id__in=ids).values_list(
            "application_id", "website"
        )
    )
    scopes: dict[int, set[str]] = {}
    for application_id, scope in AccessToken.objects.filter(
        user=user, application_id__in=ids, expires__gt=timezone.now()
    ).values_list("application_id", "scope"):
        scopes.setdefault(application_id, set()).update(scope.split())
    return [
        AuthorizedApp(
            application=apps[row["application_id"]],
            website=websites.get(row["application_id"], ""),
            scopes=sorted(scopes.get(row["application_id"], ()), key=_scope_order),
            first_authorized=row["first"],
            last_authorized=row["last"],
        )
        for row in rows
        if row["application_id"] in apps
    ]
