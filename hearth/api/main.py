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
    credentials,
    follow_requests,
    markers,
    mutes,
    preferences,
    stubs,
)
from hearth.api.v1 import instance as instance_v1
from hearth.api.v2 import instance as instance_v2


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
api.add_router("/v1/accounts", accounts.router)
api.add_router("/v1/follow_requests", follow_requests.router)
api.add_router("/v1/blocks", blocks.router)
api.add_router("/v1/mutes", mutes.router)
