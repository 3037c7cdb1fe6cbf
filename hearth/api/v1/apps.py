"""POST /api/v1/apps and GET /api/v1/apps/verify_credentials."""

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import field_validator

from hearth.api.auth import app_token, caller
from hearth.api.errors import ApiError
from hearth.api.oauth.scopes import parse_scopes
from hearth.api.oauth.services import app_create
from hearth.api.parsing import parse_body
from hearth.api.schemas.application import (
    ApplicationOut,
    CredentialApplicationOut,
    application_out,
    credential_application_out,
)

router = Router(tags=["apps"])


class AppCreateIn(Schema):
    client_name: str = ""
    #: One URI, several separated by newlines or spaces, or a list.
    redirect_uris: list[str] = []
    scopes: str | list[str] = "read"
    website: str | None = ""

    @field_validator("redirect_uris", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return value.split()
        return value


@router.post("", response=CredentialApplicationOut, openapi_extra={"security": []})
def create(request: HttpRequest) -> CredentialApplicationOut:
    data = parse_body(request, AppCreateIn)
    registered = app_create(
        name=data.client_name,
        redirect_uris=data.redirect_uris,
        scopes=parse_scopes(data.scopes),
        website=(data.website or "").strip(),
    )
    return credential_application_out(registered)


@router.get("/verify_credentials", response=ApplicationOut, auth=app_token())
def verify_credentials(request: HttpRequest) -> ApplicationOut:
    application = caller(request).application
    if application is None:
        raise ApiError(401, "The access token is invalid")
    return application_out(application)
