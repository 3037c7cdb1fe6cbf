"""GET /api/v1/preferences: the member's posting defaults, from their web preferences."""

from django.http import HttpRequest
from ninja import Router
from pydantic import ConfigDict, Field

from hearth.api.auth import caller, token
from hearth.api.schemas.common import Out

router = Router(tags=["preferences"])


class PreferencesOut(Out):
    model_config = ConfigDict(populate_by_name=True)

    default_visibility: str = Field(serialization_alias="posting:default:visibility")
    default_sensitive: bool = Field(serialization_alias="posting:default:sensitive")
    default_language: str | None = Field(serialization_alias="posting:default:language")
    expand_media: str = Field(serialization_alias="reading:expand:media")
    expand_spoilers: bool = Field(serialization_alias="reading:expand:spoilers")


@router.get("", response=PreferencesOut, by_alias=True, auth=token("read:accounts"))
def preferences(request: HttpRequest) -> PreferencesOut:
    user = caller(request).user
    assert user is not None  # token() requires a user
    return PreferencesOut(
        default_visibility=user.default_visibility,
        default_sensitive=False,
        default_language=user.language or None,
        expand_media="default",
        expand_spoilers=False,
    )
