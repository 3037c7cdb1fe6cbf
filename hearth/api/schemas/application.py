"""Application and CredentialApplication (Mastodon entities)."""

from oauth2_provider.models import Application

from hearth.api.models import ClientApplication
from hearth.api.oauth.services import RegisteredApp
from hearth.api.schemas.common import Out


class ApplicationOut(Out):
    id: str
    name: str
    website: str | None
    scopes: list[str]
    redirect_uri: str
    redirect_uris: list[str]
    #: Web Push is not offered yet; the field is required, so it is empty.
    vapid_key: str


class CredentialApplicationOut(ApplicationOut):
    client_id: str
    client_secret: str
    client_secret_expires_at: int


def application_out(application: Application) -> ApplicationOut:
    details = ClientApplication.objects.filter(application=application).first()
    uris = application.redirect_uris.split()
    return ApplicationOut(
        id=str(application.pk),
        name=application.name,
        website=(details.website or None) if details else None,
        scopes=details.scope_list if details else ["read"],
        redirect_uri="\n".join(uris),
        redirect_uris=uris,
        vapid_key="",
    )


def credential_application_out(registered: RegisteredApp) -> CredentialApplicationOut:
    public = application_out(registered.application)
    return CredentialApplicationOut(
        **public.model_dump(),
        client_id=registered.application.client_id,
        client_secret=registered.client_secret,
        # 0: the secret never expires.
        client_secret_expires_at=0,
    )
