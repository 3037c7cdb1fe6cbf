import pytest


@pytest.mark.django_db
def test_anonymous_home_welcomes_and_links_to_sign_up(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Create an account" in response.content
    assert b'href="/accounts/signup/"' in response.content


def test_signed_in_home_greets_the_member(client_with_user):
    response = client_with_user.get("/")
    assert response.status_code == 200
    assert "Welcome, ana!" in response.content.decode()


@pytest.mark.django_db
def test_unknown_page_gets_the_styled_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"hearth.css" in response.content


@pytest.mark.django_db
def test_every_page_links_the_policies_in_its_footer(client):
    body = client.get("/").content.decode()
    for href in ("/about", "/privacy", "/terms", "/guidelines"):
        assert f'href="{href}"' in body
