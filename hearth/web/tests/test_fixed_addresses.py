"""{% fixed_url %} and {% fixed_static %}: the header's and footer's addresses, worked out once
per process, and the same as {% url %} and {% static %} give."""

import pytest
from django.template import Context, Template
from django.test import Client


def render(source: str) -> str:
    return Template("{% load static hearth_tags %}" + source).render(Context())


def test_fixed_addresses_are_those_of_url_and_static():
    assert render("{% fixed_url 'home' %}") == render("{% url 'home' %}") == "/"
    assert render("{% fixed_url 'policy' 'privacy' %}") == render("{% url 'policy' 'privacy' %}")
    assert render("{% fixed_static 'web/hearth.css' %}") == render("{% static 'web/hearth.css' %}")


def test_changed_settings_give_fresh_addresses(settings):
    before = render("{% fixed_static 'web/hearth.css' %}")
    settings.STATIC_URL = "https://cdn.example.org/static/"
    after = render("{% fixed_static 'web/hearth.css' %}")
    assert after != before
    assert after.startswith("https://cdn.example.org/static/web/hearth")


@pytest.mark.django_db
def test_every_page_links_to_the_same_places(client_with_user: Client):
    # A member's home and a visitor's public page: the header and footer links are all there
    member_page = client_with_user.get("/").content.decode()
    for address in ("/public", "/bookmarks", "/notifications", "/settings", "/about"):
        assert f'href="{address}' in member_page, address
    visitor_page = Client().get("/public").content.decode()
    assert 'href="/accounts/login/' in visitor_page
    assert render("{% url 'policy' 'guidelines' %}") in visitor_page
