"""Whatever arrives in a URL or a form, the answer is a page, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ODD_PATHS = [
    "/@" + "a" * 5000,
    "/@%00",
    "/@\u00fcn\u00efcode",
    "/@ana%2F..%2F..",
    "/@ana/",
    "/" + "x" * 3000,
    "/privacy%00",
    "/about?q=%00",
    "/settings/profile?" + "a=1&" * 2000,
    "/accounts/confirm-email/not-a-key/",
    "/accounts/password/reset/key/zz-set-password/",
    "/media/../config/settings.py",
    "/media/%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ODD_PATHS)
def test_odd_paths_get_a_page_not_a_server_error(client, path):
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code < 500, (path, response.status_code)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    username=st.text(max_size=300),
    email=st.text(max_size=300),
    password=st.text(max_size=300),
)
def test_sign_up_with_any_text_answers_with_the_form_or_a_redirect(
    client, username, email, password
):
    client.raise_request_exception = False
    response = client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": email,
            "password1": password,
            "password2": password,
            "accept_terms": "on",
        },
    )
    assert response.status_code in (200, 302)
