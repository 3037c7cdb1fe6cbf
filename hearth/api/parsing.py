"""Reading what clients send: JSON, urlencoded and multipart bodies, and query strings, with
Rails' bracketed keys, into one nested dict that a pydantic schema then validates.

Real clients disagree on formats: Mastodon.py posts forms and, inside JSON, sends booleans as
"1"/"0"; Phanpy and Elk send JSON; media and avatars come as multipart; some clients put
`media_ids[]` keys in JSON. Rails normalises all of them into one params hash, so Hearth does the
same:

    media_ids[]=1&media_ids[]=2           -> {"media_ids": ["1", "2"]}
    poll[options][]=a&poll[expires_in]=60 -> {"poll": {"options": ["a"], "expires_in": "60"}}
    home[last_read_id]=5                  -> {"home": {"last_read_id": "5"}}
    keywords_attributes[][keyword]=a&keywords_attributes[][whole_word]=1&
    keywords_attributes[][keyword]=b      -> {"keywords_attributes": [{"keyword": "a",
                                               "whole_word": "1"}, {"keyword": "b"}]}

Every endpoint reads its input through `parse_body` / `parse_query` with a schema class; the
schema's types do the coercion (pydantic accepts "1"/"0"/"true"/"false"/"on"/"off" for bools;
`Flag` below also takes "" as false) and a failure becomes a 422 naming the field.
"""

import json
import re
from collections.abc import Iterable
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl

import pydantic
from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from pydantic import BeforeValidator

from hearth.api.errors import ApiError, validation_error

S = TypeVar("S", bound=pydantic.BaseModel)

_KEY = re.compile(r"\A([^\[\]]+)((?:\[[^\[\]]*\])*)\Z")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _flag(value: Any) -> Any:
    # An empty form field (an unticked box sent as "") means false, as in Rails.
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return False
    if isinstance(value, str):
        return value.strip().lower()
    return value


#: A boolean as JSON true/false or a string: "1"/"0", "true"/"false", "on"/"off", "yes"/"no", "".
Flag = Annotated[bool, BeforeValidator(_flag)]


# --- Rails keys ----------------------------------------------------------------------------


def nest(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Fold (key, value) pairs with Rails keys into nested dicts and lists."""
    params: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if match is None:
            params[key] = value
            continue
        _assign(params, match.group(1), _SEGMENT.findall(match.group(2)), value)
    return params


def _assign(params: dict[str, Any], name: str, rest: list[str], value: Any) -> None:
    if not rest:
        params[name] = value
        return
    segment, *more = rest
    if segment == "":
        items = params.get(name)
        if not isinstance(items, list):
            items = params[name] = []
        if not more:
            # A JSON client may send `"media_ids[]": ["1", "2"]`: one key, a list of values.
            items.extend(value if isinstance(value, list) else [value])
            return
        # `a[][b]`: a list of dicts; a key seen again in the last dict starts a new one.
        child, *child_rest = more
        if items and isinstance(items[-1], dict) and child not in items[-1]:
            _assign(items[-1], child, child_rest, value)
        else:
            fresh: dict[str, Any] = {}
            _assign(fresh, child, child_rest, value)
            items.append(fresh)
        return
    nested = params.get(name)
    if not isinstance(nested, dict):
        nested = params[name] = {}
    _assign(nested, segment, more, value)


def _form_pairs(data: Any) -> list[tuple[str, Any]]:
    """(key, value) pairs from a QueryDict/MultiValueDict: every value of a `[]` key, else the
    last one (Rails' rule for repeated scalar keys)."""
    pairs: list[tuple[str, Any]] = []
    for key, values in data.lists():
        if key.endswith("[]") or "[][" in key:
            pairs.extend((key, value) for value in values)
        elif values:
            pairs.append((key, values[-1]))
    return pairs


# --- Bodies and query strings -------------------------------------------------------------


def request_data(request: HttpRequest) -> dict[str, Any]:
    """The request body as nested params, whatever its content type (files included)."""
    content_type = (request.content_type or "").lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        return _json_data(request)
    if content_type in FORM_TYPES:
        return _form_data(request)
    if not request.body:
        return {}
    raise ApiError(
        415,
        "Send the request body as JSON (application/json) or as a form "
        "(application/x-www-form-urlencoded or multipart/form-data).",
    )


def _json_data(request: HttpRequest) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(422, "The request body must be a JSON object.")
    return nest(data.items())


def _form_data(request: HttpRequest) -> dict[str, Any]:
    if request.method not in ("POST", "GET") and not hasattr(request, "_post"):
        # Django parses form bodies for POST only; PATCH, PUT and DELETE need a nudge.
        method, request.method = request.method, "POST"
        try:
            request._load_post_and_files()  # Django parses only POST; see above
        finally:
            request.method = method
    try:
        pairs = _form_pairs(request.POST) + _form_pairs(request.FILES)
    except MultiPartParserError:
        raise ApiError(400, "The multipart body could not be read.") from None
    if (request.content_type or "").lower() == "application/x-www-form-urlencoded":
        # QueryDict groups values by key, which loses the order `a[][b]=1&a[][c]=2&a[][b]=3`
        # needs (Tusky sends keywords_attributes so); read the body's pairs in order instead.
        # request.POST above has already enforced Django's field limits.
        ordered = parse_qsl(
            request.body.decode(request.encoding or "utf-8", "replace"), keep_blank_values=True
        )
        pairs = _ordered_pairs(ordered)
    return nest(pairs)


def _ordered_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    """`_form_pairs`' rule (every value of a `[]` key, else the last one), keeping order."""
    last = {key: index for index, (key, _) in enumerate(pairs)}
    return [
        (key, value)
        for index, (key, value) in enumerate(pairs)
        if key.endswith("[]") or "[][" in key or last[key] == index
    ]


def query_data(request: HttpRequest) -> dict[str, Any]:
    """The query string as nested params: `id[]=1&id[]=2` -> {"id": ["1", "2"]}.

    A query with more fields than Django accepts (DATA_UPLOAD_MAX_NUMBER_FIELDS, e.g. 10,000
    `id[]`) is cut to that many instead of failing: list endpoints clamp, they don't refuse.
    """
    try:
        return nest(_form_pairs(request.GET))
    except TooManyFieldsSent:
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 1000
        raw = request.META.get("QUERY_STRING", "")
        fields = parse_qsl(raw, keep_blank_values=True)[:limit]
        return nest(_form_pairs(_multi(fields)))


def _multi(pairs: list[tuple[str, str]]) -> MultiValueDict[str, str]:
    values: MultiValueDict[str, str] = MultiValueDict()
    for key, value in pairs:
        values.appendlist(key, value)
    return values


def validate(schema: type[S], data: dict[str, Any]) -> S:
    """`data` checked by `schema`; problems become one 422 naming every field."""
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as error:
        fields: dict[str, list[str]] = {}
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"]) or "__all__"
            fields.setdefault(field, []).append(_message(problem))
        raise validation_error(fields) from None


def _message(problem: Any) -> str:
    message = str(problem.get("msg", "is invalid"))
    # pydantic's "Value error, <ours>" prefix is noise for API clients.
    return message.removeprefix("Value error, ")


def parse_body(request: HttpRequest, schema: type[S]) -> S:
    return validate(schema, request_data(request))


def parse_query(request: HttpRequest, schema: type[S]) -> S:
    return validate(schema, query_data(request))
