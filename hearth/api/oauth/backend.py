"""The toolkit's bridge to oauthlib, reading token and revoke requests the way clients send
them: as a form or as JSON, with `scope` separated by spaces or `+`."""

from django.http import HttpRequest
from oauth2_provider.oauth2_backends import OAuthLibCore

from hearth.api.errors import ApiError
from hearth.api.parsing import request_data


class HearthOAuthLibCore(OAuthLibCore):  # type: ignore[misc]  # the toolkit ships no types
    def extract_body(self, request: HttpRequest) -> list[tuple[str, str]]:
        if request.method != "POST":
            return []
        try:
            data = request_data(request)
        except ApiError:  # an unreadable body: oauthlib answers invalid_request
            return []
        pairs: list[tuple[str, str]] = []
        for key, value in data.items():
            if isinstance(value, dict | list) or value is None:
                continue
            text = str(value).lower() if isinstance(value, bool) else str(value)
            if key == "scope":
                text = " ".join(text.replace("+", " ").split())
            pairs.append((key, text))
        return pairs
