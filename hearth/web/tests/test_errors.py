import pytest
from django.test import Client, RequestFactory

from hearth.web.views import errors


def test_server_error_page_is_styled_and_needs_no_database():
    # Given a request the database never saw (the 500 handler may run because the DB is down)
    request = RequestFactory().get("/")

    # When the 500 handler renders
    response = errors.server_error(request)

    # Then it is the site's own page with a helpful message
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "hearth.css" in body


@pytest.mark.django_db
def test_missing_csrf_token_gets_a_styled_403_not_a_500():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"login": "ana", "password": "x"})

    assert response.status_code == 403
    assert "This form expired" in response.content.decode()


@pytest.mark.parametrize(
    ("handler", "status", "title"),
    [
        (errors.bad_request, 400, "Bad request"),
        (errors.permission_denied, 403, "Not allowed"),
        (errors.page_not_found, 404, "Page not found"),
    ],
)
def test_error_handlers_render_their_status(handler, status, title):
    response = handler(RequestFactory().get("/"), Exception())
    assert response.status_code == status
    assert title in response.content.decode()
