"""`hearth createuser` and the `hearth` console script itself (`hearth seed`: hearth/demo)."""

import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

from hearth.accounts.models import Account, User

PASSWORD = "a-long-enough-passphrase"
HEARTH = Path(sys.executable).with_name("hearth")


def createuser(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("createuser", *args, stdout=out, **options)
    return out.getvalue()


# --- createuser -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_createuser_makes_a_confirmed_member_who_can_log_in(client):
    # when
    output = createuser("carmen", email="Carmen@Example.org", password=PASSWORD)

    # then
    assert "Member @carmen created (carmen@example.org)." in output
    assert PASSWORD not in output
    user = User.objects.get(username="carmen")
    assert not user.is_staff
    assert not user.is_superuser
    assert Account.objects.get(user=user).username == "carmen"
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("carmen@example.org", True, True)
    assert client.login(username="carmen", password=PASSWORD)


@pytest.mark.django_db
def test_createuser_member_gets_past_the_login_form_without_confirming_email(client):
    # given: email verification is mandatory, so an unconfirmed member would be stopped here
    createuser("carmen", email="carmen@example.org", password=PASSWORD)

    # when
    response = client.post(
        reverse("account_login"), {"login": "carmen@example.org", "password": PASSWORD}
    )

    # then
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == User.objects.get(username="carmen").pk


@pytest.mark.django_db
def test_createuser_admin_is_staff_and_superuser():
    # when
    output = createuser("rosa", email="rosa@example.org", password=PASSWORD, admin=True)

    # then
    assert "Admin @rosa created" in output
    user = User.objects.get(username="rosa")
    assert user.is_staff
    assert user.is_superuser


@pytest.mark.django_db
def test_createuser_without_a_password_generates_one_and_shows_it_once(client, monkeypatch):
    # given
    monkeypatch.delenv("HEARTH_PASSWORD", raising=False)

    # when
    output = createuser("kenji", email="kenji@example.org")

    # then
    password = output.split("Password: ")[1].split()[0]
    assert len(password) >= 16
    assert client.login(username="kenji", password=password)


@pytest.mark.django_db
def test_createuser_reads_the_password_from_the_environment(client, monkeypatch):
    # given
    monkeypatch.setenv("HEARTH_PASSWORD", PASSWORD)

    # when
    output = createuser("kenji", email="kenji@example.org")

    # then
    assert "Password" not in output
    assert client.login(username="kenji", password=PASSWORD)


@pytest.mark.django_db
def test_createuser_option_wins_over_the_environment(client, monkeypatch):
    # given
    monkeypatch.setenv("HEARTH_PASSWORD", "not-the-one-we-use")

    # when
    createuser("kenji", email="kenji@example.org", password=PASSWORD)

    # then
    assert client.login(username="kenji", password=PASSWORD)


@pytest.mark.parametrize(
    ("username", "email", "password", "message"),
    [
        ("two words", "x@example.org", PASSWORD, "username: Use only letters (a–z), digits"),
        ("x" * 31, "x@example.org", PASSWORD, "username: Usernames are at most 30 characters."),
        ("admin", "x@example.org", PASSWORD, "username: “admin” is reserved on this server."),
        ("ana", "x@example.org", PASSWORD, "username: That username is taken."),
        ("ANA", "x@example.org", PASSWORD, "username: That username is taken."),
        ("newbie", "not-an-email", PASSWORD, "email: Enter a valid email address."),
        ("newbie", "ANA@example.org", PASSWORD, "email: That email address is already in use."),
        ("newbie", "x@example.org", "short", "password: This password is too short."),
        ("newbie", "x@example.org", "password123", "password: This password is too common."),
        ("newbie", "x@example.org", "newbie123", "password: The password is too similar"),
    ],
)
def test_createuser_refuses_bad_input_with_a_clear_message(
    user, username, email, password, message
):
    # given: "ana" <ana@example.org> exists (the `user` fixture)
    users_before = User.objects.count()

    # when
    with pytest.raises(CommandError) as caught:
        createuser(username, email=email, password=password)

    # then
    assert message in str(caught.value)
    assert User.objects.count() == users_before
    assert Account.objects.count() == users_before


@pytest.mark.django_db
def test_createuser_reports_every_problem_at_once():
    # when
    with pytest.raises(CommandError) as caught:
        createuser("root", email="nope", password="12345678")

    # then
    text = str(caught.value)
    assert "username: “root” is reserved" in text
    assert "email: Enter a valid email address." in text
    assert "password: This password is entirely numeric." in text


@pytest.mark.django_db
def test_createuser_refuses_a_name_held_by_an_account_without_a_login():
    # given: an Account with no User (as a remote or erased identity has)
    Account.objects.create(username="ghost")

    # when / then
    with pytest.raises(CommandError, match="username: That username is taken."):
        createuser("Ghost", email="ghost@example.org", password=PASSWORD)


# --- the `hearth` console script, for real, in a subprocess ---------------------------------------


@pytest.fixture(scope="module")
def production_env(tmp_path_factory):
    """Environment variables of a production-like server with its own empty, migrated database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HEARTH_", "DJANGO_")) and key != "SECRET_KEY"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        HEARTH_HTTPS="1",
        HEARTH_DOMAIN="social.example.org",
        HEARTH_DATA_DIR=str(tmp_path_factory.mktemp("hearth-data")),
        # Empty rather than unset: settings read a developer's .env for unset variables only, and
        # these must not point the subprocess at a real database, cache or broker.
        DATABASE_URL="",
        REDIS_URL="",
        CELERY_BROKER_URL="",
    )
    run_hearth(env, "migrate", "--noinput", "-v", "0")
    return env


def run_hearth(env, *args, check=True):
    return subprocess.run(  # noqa: S603  # our own console script, fixed arguments
        [str(HEARTH), *args], env=env, capture_output=True, text=True, timeout=120, check=check
    )


def test_console_script_lists_the_operator_commands(production_env):
    # when
    result = run_hearth(production_env, "help")

    # then
    assert "createuser" in result.stdout
    assert "seed" in result.stdout


def test_console_script_passes_the_deployment_checks(production_env):
    # when
    result = run_hearth(production_env, "check", "--deploy", "--fail-level", "WARNING", check=False)

    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_console_script_createuser_succeeds_then_refuses_the_taken_name(production_env):
    # given: the password comes from the environment, not the command line
    env = {**production_env, "HEARTH_PASSWORD": PASSWORD}
    args = ["createuser", "lerato", "--email", "lerato@example.org"]

    # when
    first = run_hearth(env, *args, check=False)
    second = run_hearth(env, *args, check=False)

    # then
    assert first.returncode == 0, first.stderr
    assert "Member @lerato created" in first.stdout
    assert second.returncode != 0
    assert "username: That username is taken." in second.stderr
    assert "email: That email address is already in use." in second.stderr
    assert "Traceback" not in second.stderr
