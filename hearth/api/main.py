"""The NinjaAPI instance: every router mounted under Mastodon's paths, errors as Mastodon
JSON, and Hearth's own OpenAPI document at /api/openapi.json (docs page: /api/docs).

Adding a resource: write `v1/<resource>.py` with a `router`, then add it below. Order matters
where paths overlap: fixed paths (`/accounts/verify_credentials`) before `/{id}` ones.
"""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from hearth import __version__
from hearth.api.errors import install_exception_handlers
from hearth.api.v1 import (
    accounts,
    apps,
    blocks,
    bookmarks,
    conversations,
    credentials,
    favourites,
    filters,
    follow_requests,
    lists,
    markers,
    mutes,
    notifications,
    preferences,
    reports,
    status_actions,
    statuses,
    stubs,
    suggestions,
    timelines,
)
from hearth.api.v1 import instance as instance_v1
from hearth.api.v1 import media as media_v1
from hearth.api.v2 import instance as instance_v2
from hearth.api.v2 import media as media_v2
from hearth.api.v2 import search as search_v2


class MastodonJSONRenderer(JSONRenderer):
    # Clients read UTF-8 JSON; escaping every non-ASCII character only makes it bigger.
    json_dumps_params = {"ensure_ascii": False}  # noqa: RUF012  # ninja's own attribute


api = NinjaAPI(
    title="Hearth client API",
    version=__version__,
    description="Mastodon-compatible client API of a Hearth server. "
    "See docs/subsystems/api.md in the source for conventions.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=MastodonJSONRenderer(),
)
install_exception_handlers(api)

api.add_router("/v1/apps", apps.router)
api.add_router("/v1/instance", instance_v1.router)
api.add_router("/v2/instance", instance_v2.router)
api.add_router("/v1/preferences", preferences.router)
api.add_router("/v1/markers", markers.router)
api.add_router("/v1/custom_emojis", stubs.custom_emojis)
api.add_router("/v1/announcements", stubs.announcements)
api.add_router("/v1/trends", stubs.trends)
api.add_router("/v1/accounts", credentials.router)  # before accounts: fixed paths first
api.add_router("/v1/accounts", search_v2.accounts_router)  # /search, before /{id}
api.add_router("/v1/accounts", accounts.router)
api.add_router("/v1/accounts", stubs.featured_tags)
api.add_router("/v1/follow_requests", follow_requests.router)
api.add_router("/v1/blocks", blocks.router)
api.add_router("/v1/mutes", mutes.router)
api.add_router("/v1/timelines", timelines.router)
api.add_router("/v1/favourites", favourites.router)
api.add_router("/v1/bookmarks", bookmarks.router)
api.add_router("/v1/filters", filters.router_v1)
api.add_router("/v2/filters", filters.router_v2)
api.add_router("/v1/lists", lists.router)
api.add_router("/v1/timelines/list", lists.timeline_router)
api.add_router("/v2/search", search_v2.router)
api.add_router("/v1/media", media_v1.router)
api.add_router("/v2/media", media_v2.router)
api.add_router("/v1/notifications", notifications.router)
api.add_router("/v1/statuses", statuses.router)
api.add_router("/v1/statuses", status_actions.router)
api.add_router("/v1/polls", status_actions.polls)
api.add_router("/v1/conversations", conversations.router)
api.add_router("/v1/reports", reports.router)
api.add_router("/v1/suggestions", suggestions.v1)
api.add_router("/v2/suggestions", suggestions.v2)
api.add_router("/v1/scheduled_statuses", stubs.scheduled_statuses)
api.add_router("/v1/followed_tags", stubs.followed_tags)
api.add_router("/v1/endorsements", stubs.endorsements)
api.add_router("/v1/domain_blocks", stubs.domain_blocks)
