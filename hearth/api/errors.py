"""Errors as Mastodon clients expect them: JSON `{"error": "..."}` with the right status.

Endpoints raise `ApiError` (or let a domain error, Django's ValidationError or Http404 through);
`install_exception_handlers` turns each into its response, so no endpoint formats an error
itself and none answers 500 for bad input.

| raised | status |
| --- | --- |
| missing, malformed, unknown, revoked or expired token | 401 |
| token without the scope the endpoint needs | 403 |
| Http404, or anything the caller may not see | 404 |
| Django or pydantic validation errors | 422, naming each field |
| rate limited (RateLimited from hearth.core.ratelimit) | 429, with Retry-After and X-RateLimit-* |
"""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from hearth.core.ratelimit import RateLimited
from hearth.graph.errors import (
    BlockedError,
    FollowRequestNotFoundError,
    RelationshipError,
    SelfRelationshipError,
)
from hearth.posts.errors import NotAuthorError, PostActionError, PostUnavailableError

logger = logging.getLogger(__name__)

INVALID_TOKEN = "The access token is invalid"  # noqa: S105  # a message, not a secret
OUTSIDE_SCOPES = "This action is outside the authorized scopes"
NOT_FOUND = "Record not found"


class ApiError(Exception):
    """Stop the request with `status` and `{"error": message}` (plus `details` for 422)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        details: Mapping[str, Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details
        self.headers = dict(headers or {})


def validation_error(errors: Mapping[str, Sequence[str]]) -> ApiError:
    """A 422 naming each field: `"Validation failed: text: Write something to post."`."""
    summary = "; ".join(
        f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
        for field, messages in errors.items()
    )
    return ApiError(422, f"Validation failed: {summary}", details=errors)


def error_body(error: ApiError) -> dict[str, Any]:
    body: dict[str, Any] = {"error": error.message}
    if error.details is not None:
        # Mastodon's shape: {"field": [{"error": "ERR_INVALID", "description": "..."}]}.
        body["details"] = {
            field: [{"error": "ERR_INVALID", "description": message} for message in messages]
            for field, messages in error.details.items()
        }
    return body


def _django_validation(error: DjangoValidationError) -> ApiError:
    if hasattr(error, "error_dict"):
        return validation_error(error.message_dict)
    return validation_error({"__all__": error.messages})


def _pydantic_fields(errors: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for problem in errors:
        # ninja prefixes the location with where it came from ("body", "query", "path").
        location = [str(part) for part in problem.get("loc", ()) if part not in ("body",)]
        if location and location[0] in ("query", "path", "form", "file", "header"):
            location = location[1:]
        field = ".".join(location) or "__all__"
        fields.setdefault(field, []).append(str(problem.get("msg", "is invalid")))
    return fields


def _relationship_error(error: RelationshipError) -> ApiError:
    if isinstance(error, FollowRequestNotFoundError):
        return ApiError(404, NOT_FOUND)
    if isinstance(error, BlockedError | SelfRelationshipError):
        return ApiError(403, error.message)
    return ApiError(422, error.message)


def _post_error(error: PostActionError) -> ApiError:
    message = str(getattr(error, "message", "")) or str(error)
    if isinstance(error, PostUnavailableError):
        return ApiError(404, NOT_FOUND)
    if isinstance(error, NotAuthorError):
        return ApiError(403, "This action is not allowed")
    return ApiError(422, message)


def as_api_error(exc: Exception) -> ApiError | None:
    """The ApiError an exception stands for, or None when it is unexpected."""
    match exc:
        case ApiError():
            return exc
        case AuthenticationError():
            return ApiError(401, INVALID_TOKEN)
        case Throttled():
            return ApiError(429, "Too many requests")
        case RateLimited():
            return ApiError(
                429,
                f"Too many requests: try again in {exc.retry_after} seconds.",
                headers=exc.headers(),
            )
        case NinjaValidationError():
            return validation_error(_pydantic_fields(exc.errors))
        case HttpError():
            return ApiError(exc.status_code, str(exc.message))
        case DjangoValidationError():
            return _django_validation(exc)
        case TooManyFieldsSent() | RequestDataTooBig():
            return ApiError(413, "The request has too many fields or is too large.")
        case Http404():
            return ApiError(404, NOT_FOUND)
        case RelationshipError():
            return _relationship_error(exc)
        case PostActionError():
            return _post_error(exc)
    return None


def install_exception_handlers(api: NinjaAPI) -> None:
    def handle(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        if isinstance(exc, type):  # ninja allows handlers to receive a class; ours never do
            exc = exc()
        error = as_api_error(exc)
        if error is None:
            # A bug, not bad input: log it and still answer in the client's format.
            logger.exception("Unhandled error in %s %s", request.method, request.path)
            error = ApiError(500, "The server hit an error; it has been logged.")
        response = api.create_response(request, error_body(error), status=error.status)
        for header, value in error.headers.items():
            response[header] = value
        return response

    # ninja picks the handler registered for the closest class in the exception's MRO and
    # registers its own for some of these, so each one is claimed here explicitly.
    for kind in (
        Exception,
        ApiError,
        AuthenticationError,
        Throttled,
        RateLimited,
        NinjaValidationError,
        HttpError,
        DjangoValidationError,
        TooManyFieldsSent,
        RequestDataTooBig,
        Http404,
        RelationshipError,
        PostActionError,
    ):
        api.add_exception_handler(kind, handle)
