"""The member's own account: verify_credentials, update_credentials, and registration
(POST /api/v1/accounts). Registered before the `/{id}` routes so these paths win."""

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from ninja import Router, Schema

from hearth.accounts import signups
from hearth.accounts.forms import ProfileForm
from hearth.accounts.models import Account, SignupMode
from hearth.accounts.services import preferences_update, profile_update, user_create
from hearth.api.auth import app_token, caller, me, token
from hearth.api.errors import ApiError, validation_error
from hearth.api.oauth.tokens import access_token_issue
from hearth.api.parsing import Flag, parse_body, request_data
from hearth.api.schemas.account import CredentialAccountOut, credential_account_out
from hearth.api.schemas.common import Out, context_for
from hearth.core import ratelimit
from hearth.graph.selectors import follow_requests_for
from hearth.graph.services import follow_requests_accept_all

router = Router(tags=["accounts"])

#: ProfileForm's field names -> the Mastodon parameter to blame in a 422.
_FORM_TO_API = {"bio": "note", "links": "fields_attributes", "hide_network": "hide_collections"}


def credentials_out(request: HttpRequest, account: Account) -> CredentialAccountOut:
    return credential_account_out(
        account,
        context_for(request),
        follow_requests_count=follow_requests_for(account=account).count(),
    )


@router.get(
    "/verify_credentials", response=CredentialAccountOut, auth=token("read:accounts", "profile")
)
def verify_credentials(request: HttpRequest) -> CredentialAccountOut:
    return credentials_out(request, me(request))


# --- update_credentials --------------------------------------------------------------------


class SourceIn(Schema):
    privacy: str | None = None
    sensitive: Flag | None = None
    language: str | None = None


class CredentialsIn(Schema):
    display_name: str | None = None
    note: str | None = None
    locked: Flag | None = None
    bot: Flag | None = None
    discoverable: Flag | None = None
    hide_collections: Flag | None = None
    indexable: Flag | None = None
    #: {"0": {"name": ..., "value": ...}, ...} from forms, or a list from JSON.
    fields_attributes: dict[str, dict[str, str]] | list[dict[str, str]] | None = None
    source: SourceIn | None = None


def _links(data: CredentialsIn, account: Account) -> list[tuple[str, str]]:
    if data.fields_attributes is None:
        return [(link["name"], link["url"]) for link in account.links]
    rows = data.fields_attributes
    items = (
        [rows[key] for key in sorted(rows, key=lambda key: (len(key), key))]
        if isinstance(rows, dict)
        else rows
    )
    return [(item.get("name", ""), item.get("value", "")) for item in items]


def _profile_form(data: CredentialsIn, files: dict[str, Any], account: Account) -> ProfileForm:
    """The web's profile form filled with the current profile, overridden by what was sent:
    the API checks a profile exactly as the settings page does."""
    form_data = QueryDict(mutable=True)
    form_data["display_name"] = (
        data.display_name if data.display_name is not None else account.display_name
    )
    form_data["bio"] = data.note if data.note is not None else account.bio
    for name, url in _links(data, account):
        form_data.appendlist("links-name", name)
        form_data.appendlist("links-url", url)
    for field, sent, current in (
        ("locked", data.locked, account.locked),
        ("discoverable", data.discoverable, account.discoverable),
        ("hide_network", data.hide_collections, account.hide_network),
    ):
        if sent if sent is not None else current:
            form_data[field] = "on"
    uploads = {name: upload for name in ("avatar", "header") if (upload := files.get(name))}
    return ProfileForm(form_data, MultiValueDict({name: [file] for name, file in uploads.items()}))


def _form_errors(form: ProfileForm) -> ApiError:
    return validation_error(
        {
            _FORM_TO_API.get(field, field): [str(message) for message in messages]
            for field, messages in form.errors.items()
        }
    )


@router.patch("/update_credentials", response=CredentialAccountOut, auth=token("write:accounts"))
def update_credentials(request: HttpRequest) -> CredentialAccountOut:
    """Multipart (pictures), urlencoded or JSON; fields left out keep their values."""
    raw = request_data(request)
    files = {key: value for key, value in raw.items() if hasattr(value, "read")}
    data = parse_body(request, CredentialsIn)
    account = me(request)
    form = _profile_form(data, files, account)
    if not form.is_valid():
        raise _form_errors(form)
    was_locked = account.locked
    with transaction.atomic():
        account = profile_update(account=account, **form.cleaned_data)
        if was_locked and not account.locked:
            # As on the settings page: opening the door lets in everyone who was waiting.
            follow_requests_accept_all(actor=account)
        _save_source(account, data.source)
    account.refresh_from_db()
    return credentials_out(request, account)


def _save_source(account: Account, source: SourceIn | None) -> None:
    user = account.user
    if source is None or user is None or (source.privacy is None and source.language is None):
        return
    try:
        preferences_update(
            user=user,
            default_visibility=source.privacy or user.default_visibility,
            language=source.language if source.language is not None else user.language,
            theme=user.theme,
        )
    except ValidationError as error:
        raise validation_error(
            {
                f"source.{'privacy' if field == 'default_visibility' else field}": messages
                for field, messages in error.message_dict.items()
            }
        ) from None


# --- Registration --------------------------------------------------------------------------


def _registration_problems(data: "RegistrationIn", gate: signups.Gate) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.agreement:
        errors["agreement"] = ["You need to accept the terms to join."]
    if signups.email_domain_blocked(data.email):
        errors["email"] = [signups.BLOCKED_DOMAIN_MESSAGE]
    reason = (data.reason or "").strip()
    if gate.needs_approval and not reason:
        errors["reason"] = ["Tell the admins why you want to join."]
    elif len(reason) > signups.REASON_MAX_LENGTH:
        errors["reason"] = [f"Keep it to {signups.REASON_MAX_LENGTH} characters."]
    return errors


class RegistrationIn(Schema):
    username: str = ""
    email: str = ""
    password: str = ""
    agreement: Flag = False
    locale: str = "en"
    reason: str | None = None
    #: Hearth's addition: the code of an invite link (`/invite/<code>`), for invite-only
    #: servers (it also skips approval).
    invite_code: str | None = None


class TokenOut(Out):
    access_token: str
    token_type: str
    scope: str
    created_at: int


@router.post("", response=TokenOut, auth=app_token("write:accounts"))
def register(request: HttpRequest) -> TokenOut:
    """Sign up from an app (toot register): the web sign-up's rules (mode, invite, approval,
    blocked email domains, the per-address limit), then a token for the new member with the
    app's scopes. Email confirmation works as on the website; an applicant waiting for
    approval gets a token that works once they are approved."""
    data = parse_body(request, RegistrationIn)
    gate = signups.signup_gate(invite_code=data.invite_code)
    if gate.mode == SignupMode.CLOSED:
        raise ApiError(403, gate.problem)
    if not gate.open:
        raise validation_error({"invite_code": [gate.problem]})
    found = caller(request)
    if found.application is None or found.token is None:
        raise ApiError(401, "The access token is invalid")
    ratelimit.limit(request, "signup")
    errors = _registration_problems(data, gate)
    verification = settings.ACCOUNT_EMAIL_VERIFICATION
    # Every problem at once; raising inside the transaction undoes a member made without
    # the agreement, and an invite use counted for a sign-up that failed.
    with transaction.atomic():
        user = None
        try:
            if gate.invite is not None:
                signups.invite_use(invite=gate.invite)
            user = user_create(
                username=data.username,
                email=data.email,
                password=data.password,
                email_verified=verification == "none",
            )
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors or user is None:
            raise validation_error(errors)
        if gate.needs_approval:
            signups.application_create(user=user, reason=data.reason or "")
        issued = access_token_issue(
            user=user, application=found.application, scope=found.token.scope
        )
    if verification != "none":
        address = EmailAddress.objects.filter(user=user, primary=True).first()
        if address is not None:
            address.send_confirmation(request, signup=True)
    return TokenOut(
        access_token=issued.raw,
        token_type="Bearer",  # noqa: S106  # the scheme's name
        scope=issued.token.scope,
        created_at=int(issued.token.created.timestamp()),
    )
