"""The server's information pages: /about and the policies (/privacy, /terms, /guidelines)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.moderation.models import PolicySlug
from hearth.moderation.rules import server_rule_list
from hearth.moderation.selectors import (
    policy_get,
    server_admin_list,
    server_member_count,
)

#: The policies reachable at /<slug>, in the order they are linked.
POLICY_SLUGS = (PolicySlug.GUIDELINES, PolicySlug.PRIVACY, PolicySlug.TERMS)


def _policy_links(current: str) -> list[tuple[str, str]]:
    return [(slug.value, slug.label) for slug in POLICY_SLUGS if slug.value != current]


def about(request: HttpRequest) -> HttpResponse:
    context = {
        "about": policy_get(slug=PolicySlug.ABOUT),
        "rules": server_rule_list(),
        "admins": server_admin_list(),
        "member_count": server_member_count(),
        "policy_links": _policy_links(current=PolicySlug.ABOUT),
    }
    return render(request, "web/policies/about.html", context)


def policy(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in {page.value for page in POLICY_SLUGS}:
        raise Http404
    context = {"policy": policy_get(slug=slug), "policy_links": _policy_links(current=slug)}
    return render(request, "web/policies/policy.html", context)
