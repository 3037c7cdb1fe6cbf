"""/: the member's home (compose box, home timeline, who to follow), or the welcome page."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from hearth.graph.selectors import NO_RELATIONSHIP
from hearth.timelines.selectors import Cursor, who_to_follow
from hearth.web.cards import home_cards
from hearth.web.post_forms import PostForm, compose_form, default_visibility
from hearth.web.views.filters import filtered_page
from hearth.web.views.relationships import is_htmx, member_account


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "web/welcome.html")
    return home_page(request)


def home_page(
    request: HttpRequest, *, form: PostForm | None = None, status: int = 200
) -> HttpResponse:
    """The home page; `form` is a compose form coming back with errors (its text kept)."""
    viewer = member_account(request)
    cursor = Cursor(max_id=request.GET.get("max_id"))
    page, muted_words = filtered_page(viewer, "home", home_cards(request, viewer, cursor))
    context = {"page": page, "viewer": viewer, "next_url": request.path, "muted_words": muted_words}
    if is_htmx(request) and cursor.max_id is not None:
        return render(request, "web/timelines/_page.html", context)
    suggestions = who_to_follow(viewer)
    context |= {
        # An empty compose box is a {% shared %} fragment: its form is built only when the
        # fragment is rendered, which is seldom (building one copies all its fields).
        "form": form or SimpleLazyObject(lambda: compose_form(request)),
        "form_came_back": form is not None,
        "compose_visibility": default_visibility(request),
        "max_chars": settings.HEARTH_MAX_POST_CHARS,
        "suggestions": suggestions,
        # Everything the suggestions' cards show: for their {% shared %} fragment.
        "suggestions_version": [(a.pk, a.updated_at) for a in suggestions],
        "relationship": NO_RELATIONSHIP,
        "older_page": cursor.max_id is not None,
    }
    return render(request, "web/home.html", context, status=status)
