"""Faster URL resolution for long flat lists of routes.

Django resolves a path by trying a list's patterns in order, and each failed try costs
something (an include's failure also lists what it tried). The client API is one flat list of
112 routes (django-ninja makes one pattern per path): `/api/v1/statuses`, the 80th, took
67 µs to resolve, a twentieth of the floor's whole request.

`nest_by_prefix` turns such a list into groups, one per leading path (`v1/statuses`,
`v1/timelines`, ...): the group's route for exactly that path, if any, then one include of its
longer routes (`v1/statuses/` holding `<status_id>`, `<status_id>/favourite`, ...). A failed
include costs one `startswith`, so a path is found after a few dozen of those and a handful of
its own routes (42 µs for `/api/v1/statuses` with the busiest groups first). Names and views
are the routes' own, so `reverse()` and the views see no difference.

Order is kept where it matters. Two routes whose leading paths differ can never match the same
path (the leading path is literal text up to a slash), and within a group the exact route and
the longer ones can't either, so only the order among a group's longer routes counts, and the
include keeps it. A route whose leading part holds a converter (`<...>`) or a regular
expression is left where it is, and no group moves past it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, include, path
from django.urls.resolvers import RoutePattern

Routes = list[URLPattern | URLResolver]


@dataclass
class _Group:
    head: str
    exact: list[URLPattern] = field(default_factory=list)
    longer: list[URLPattern] = field(default_factory=list)

    def routes(self) -> Routes:
        nested: Routes = list(self.exact)
        if self.longer:
            nested.append(path(f"{self.head}/", include(self.longer)))
        return nested


def nest_by_prefix(
    patterns: Sequence[URLPattern | URLResolver], *, depth: int = 2, first: Sequence[str] = ()
) -> Routes:
    """`patterns` with the routes sharing their first `depth` path segments (all literal)
    gathered into a group, placed where the first of them was; the groups whose leading paths
    are in `first` (the busiest) go before the other groups, in that order."""
    groups: dict[str, _Group] = {}
    items: list[URLPattern | URLResolver | _Group] = []
    for pattern in patterns:
        split = _split(pattern, depth)
        if split is None:
            items.append(pattern)
            continue
        head, rest = split
        if head not in groups:
            groups[head] = _Group(head)
            items.append(groups[head])
        group = groups[head]
        if rest is None:
            assert isinstance(pattern, URLPattern)
            group.exact.append(pattern)
        else:
            group.longer.append(rest)
    rank = {head: number for number, head in enumerate(first)}
    nested: Routes = []
    for item in _busiest_first(items, rank):
        nested.extend(item.routes() if isinstance(item, _Group) else [item])
    return nested


def _busiest_first(
    items: list[URLPattern | URLResolver | _Group], rank: dict[str, int]
) -> list[URLPattern | URLResolver | _Group]:
    """Groups move ahead of other groups, which they can't overlap, but never past a pattern
    left as it was, which could match the same path."""
    ordered: list[URLPattern | URLResolver | _Group] = []
    run: list[_Group] = []
    for item in [*items, None]:
        if isinstance(item, _Group):
            run.append(item)
            continue
        ranked: list[_Group] = sorted(run, key=lambda group: rank.get(group.head, len(rank)))
        ordered.extend(ranked)
        run = []
        if item is not None:
            ordered.append(item)
    return ordered


def _split(pattern: URLPattern | URLResolver, depth: int) -> tuple[str, URLPattern | None] | None:
    """(the leading `depth` segments, the route with the rest of its path after their slash,
    or None for the route of exactly that path), or None for a pattern that can't be nested:
    an include, a regular expression, or a converter up front."""
    if not isinstance(pattern, URLPattern) or not isinstance(pattern.pattern, RoutePattern):
        return None
    route = str(pattern.pattern)
    parts = route.split("/")
    head = "/".join(parts[:depth])
    if len(parts) < depth or "<" in head or not head:
        return None
    if route == head:
        return head, None
    rest = route[len(head) + 1 :]
    nested = (
        path(rest, pattern.callback, pattern.default_args, pattern.name)
        if pattern.name is not None
        else path(rest, pattern.callback, pattern.default_args)
    )
    assert isinstance(nested, URLPattern)
    return head, nested
