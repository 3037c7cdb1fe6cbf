"""/search?q=...&type=people|posts|hashtags: the search page, one tab of results at a time.

The box in the site header sends here. Results come from hearth.search (visibility from the
accounts and posts selectors); an empty query shows what can be searched instead of results.
A query starting with # opens on the Hashtags tab.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.graph.selectors import relationships
from hearth.search import selectors as search
from hearth.timelines.selectors import hydrate_posts
from hearth.web.views.relationships import viewer_account

#: The tabs: (name in the URL, label).
TABS = (("people", "People"), ("posts", "Posts"), ("hashtags", "Hashtags"))
#: Results shown per page.
PAGE_SIZE = 20


def _page_number(value: str | None) -> int:
    try:
        return max(1, min(search.MAX_OFFSET // PAGE_SIZE, int(value or 1)))
    except ValueError:
        return 1


def search_page(request: HttpRequest) -> HttpResponse:
    query = search.clean_query(request.GET.get("q", ""))
    tab = request.GET.get("type", "")
    if tab not in dict(TABS):
        tab = "hashtags" if query.startswith("#") else "people"
    number = _page_number(request.GET.get("page"))
    page = search.window(PAGE_SIZE + 1, (number - 1) * PAGE_SIZE)  # one more: is there a next?
    viewer = viewer_account(request)
    context: dict[str, object] = {
        "query": query,
        "tab": tab,
        "tabs": TABS,
        "viewer": viewer,
        "page_number": number,
        "next_url": request.get_full_path(),
    }
    results: list[object] = []
    if query and tab == "people":
        accounts = search.search_accounts(viewer=viewer, query=query, page=page)
        found = relationships(viewer=viewer, targets=accounts)
        results = [(account, found[account.pk]) for account in accounts]
    elif query and tab == "posts":
        results = list(
            hydrate_posts(viewer, search.search_posts(viewer=viewer, query=query, page=page))
        )
    elif query:
        results = list(search.search_hashtags(query=query, page=page))
    context["results"] = results[:PAGE_SIZE]
    context["has_next"] = len(results) > PAGE_SIZE
    return render(request, "web/search/results.html", context)
