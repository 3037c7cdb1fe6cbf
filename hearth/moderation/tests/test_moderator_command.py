"""`hearth moderator grant|revoke|list` through call_command, against the real role check."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hearth.accounts.models import User
from hearth.moderation.roles import is_moderator
from hearth.testing.fixtures import make_user


def run(*args: str) -> str:
    out = StringIO()
    call_command("moderator", *args, stdout=out)
    return out.getvalue()


def test_grant_list_and_revoke(db):
    make_user("nora")
    assert run("list").strip() == "No moderators yet."
    assert "nora is now a moderator" in run("grant", "Nora")
    assert is_moderator(User.objects.get(username="nora"))
    assert run("list").strip() == "nora"
    assert "no longer a moderator" in run("revoke", "nora")
    assert not is_moderator(User.objects.get(username="nora"))


def test_unknown_member_and_missing_name_are_clear_errors(db):
    with pytest.raises(CommandError, match="No member is called 'ghost'"):
        run("grant", "ghost")
    with pytest.raises(CommandError, match="Say whom"):
        run("revoke")
