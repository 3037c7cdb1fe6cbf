"""Abuse limits through the real pages, on the lane's real cache: login lock-out, posting,
messaging and following answered with the 429 page and Retry-After."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hearth.accounts.models import User
from hearth.posts.models import Post
from hearth.testing.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ADDRESS_A = "192.0.2.10"
ADDRESS_B = "192.0.2.20"


def log_in(client: Client, login: str, password: str, address: str = ADDRESS_A) -> Any:
    return client.post(
        "/accounts/login/", {"login": login, "password": password}, REMOTE_ADDR=address
    )


def _page_text(response: Any) -> str:
    """The page's main text with numbers and times blanked, to compare two answers."""
    main = response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)
    return re.sub(r"\d+", "#", main)


def test_the_sixth_login_attempt_is_refused_with_retry_after(
    client: Client, user: User, rate_limits: Any
) -> None:
    # Given five wrong passwords for ana from one address
    for _ in range(5):
        response = log_in(client, "ana", "wrong-password")
        assert response.status_code == 200
        assert "username and/or password you specified are not correct" in (
            response.content.decode()
        )
    # When the sixth attempt comes, even with the right password
    refused = log_in(client, "ana", PASSWORD)
    # Then it is refused with the 429 page, saying when to retry
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    assert "Slow down a little" in page
    assert "You can try again in" in page
    assert "_auth_user_id" not in client.session
    # And a different address is unaffected: ana logs in from there
    other = Client()
    assert log_in(other, "ana", PASSWORD, address=ADDRESS_B).status_code == 302


def test_lock_out_reads_the_same_for_names_that_do_not_exist(
    client: Client, user: User, rate_limits: Any
) -> None:
    answers = {}
    for name in ("ana", "nobody_by_this_name"):
        failures = [log_in(client, name, "wrong-password") for _ in range(5)]
        answers[name] = (failures[-1], log_in(client, name, "wrong-password"))
    existing, missing = answers["ana"], answers["nobody_by_this_name"]
    assert existing[0].status_code == missing[0].status_code == 200
    assert _page_text(existing[0]).replace("ana", "X") == _page_text(missing[0]).replace(
        "nobody_by_this_name", "X"
    )
    assert existing[1].status_code == missing[1].status_code == 429
    assert existing[1]["Retry-After"] == missing[1]["Retry-After"]
    assert _page_text(existing[1]) == _page_text(missing[1])


def test_failed_logins_per_address_across_names(
    client: Client, user: User, rate_limits: Any
) -> None:
    rate_limits.HEARTH_RATE_LIMITS = {"login": {"ip": "4/h", "key": "100/h"}}
    for number in range(4):
        assert log_in(client, f"guess{number}", "wrong-password").status_code == 200
    assert log_in(client, "ana", PASSWORD).status_code == 429
    assert log_in(Client(), "ana", PASSWORD, address=ADDRESS_B).status_code == 302


def test_posting_limit_on_the_web(client_with_user: Client, rate_limits: Any) -> None:
    rate_limits.HEARTH_RATE_LIMITS = {"post": {"new_account": "2/h"}}
    for number in range(2):
        response = client_with_user.post(
            "/posts", {"text": f"post {number}", "visibility": "public"}
        )
        assert response.status_code == 302
    refused = client_with_user.post("/posts", {"text": "one more", "visibility": "public"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "You’ve posted a lot in a short time." in refused.content.decode()
    assert Post.objects.count() == 2


def test_direct_messages_have_their_own_limit(
    client_with_user: Client, other_user: User, rate_limits: Any
) -> None:
    rate_limits.HEARTH_RATE_LIMITS = {"message": {"new_account": "1/h"}}
    data = {"text": "@bruno hello", "visibility": "direct"}
    assert client_with_user.post("/posts", data).status_code == 302
    refused = client_with_user.post("/posts", data)
    assert refused.status_code == 429
    assert "messages" in refused.content.decode()
    # Public posts are counted separately
    assert (
        client_with_user.post("/posts", {"text": "hi", "visibility": "public"}).status_code == 302
    )


def test_new_accounts_have_tighter_limits_for_their_first_day(
    client: Client, rate_limits: Any
) -> None:
    rate_limits.HEARTH_RATE_LIMITS = {"follow": {"account": "3/d", "new_account": "1/d"}}
    targets = [make_user() for _ in range(4)]
    newcomer, regular = make_user("newcomer"), make_user("regular")
    User.objects.filter(pk=regular.pk).update(date_joined=timezone.now() - timedelta(days=2))

    client.force_login(newcomer)
    assert client.post(f"/@{targets[0].username}/follow").status_code == 302
    assert client.post(f"/@{targets[1].username}/follow").status_code == 429

    veteran = Client()
    veteran.force_login(User.objects.get(pk=regular.pk))
    codes = [veteran.post(f"/@{target.username}/follow").status_code for target in targets]
    assert codes == [302, 302, 302, 429]


def test_allauth_limits_render_the_same_page_with_retry_after(
    client: Client, user: User, settings: Any
) -> None:
    # allauth's own limits (here: password reset requests) answer 429 through our template
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/m/ip"}
    client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    refused = client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Slow down a little" in refused.content.decode()


def test_a_limited_htmx_action_gets_a_notice_not_a_page(client: Client, rate_limits: Any) -> None:
    # Given a member who may follow once a day, who has
    rate_limits.HEARTH_RATE_LIMITS = {"follow": {"new_account": "1/d"}}
    first, second = make_user(), make_user()
    client.force_login(make_user("newcomer"))
    htmx = {"HX-Request": "true"}
    assert client.post(f"/@{first.username}/follow", headers=htmx).status_code == 200
    # When the next follow button sends its request in the background
    refused = client.post(f"/@{second.username}/follow", headers=htmx)
    # Then the answer is a 429 with the limit's headers and only a notice for the page to show
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused["X-RateLimit-Remaining"] == "0"
    body = refused.content.decode()
    assert "<html" not in body
    assert "data-notice" in body
    assert "You’ve followed a lot of people in a short time." in body
    assert "You can try again in" in body


def test_other_errors_of_htmx_requests_are_notices_too(client_with_user: Client) -> None:
    htmx = {"HX-Request": "true"}
    missing = client_with_user.post("/@nobody_by_this_name/follow", headers=htmx)
    assert missing.status_code == 404
    assert "<html" not in missing.content.decode()
    assert "Page not found." in missing.content.decode()
    # And the same error for a page load is the whole page
    page = client_with_user.post("/@nobody_by_this_name/follow")
    assert page.status_code == 404
    assert "<html" in page.content.decode()
