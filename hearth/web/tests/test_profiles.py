import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearth.accounts.services import profile_update
from hearth.testing.fixtures import make_user


@pytest.fixture
def described_ana(user):
    profile_update(
        account=user.account,
        display_name="Ana Lima",
        bio="Grows tomatoes.\n<b>Not bold</b>",
        links=[
            {"name": "Website", "url": "https://ana.example/"},
            {"name": "Code", "url": "https://code.example/ana"},
        ],
        locked=False,
        discoverable=True,
    )
    return user


def test_anonymous_visitor_sees_name_bio_links_and_join_date(client, described_ana):
    # When someone who isn't signed in opens ana's profile
    response = client.get("/@ana")
    # Then they see who she is
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 id="profile-name" class="profile__name">Ana Lima</h1>' in body
    assert "@ana" in body
    assert "Grows tomatoes.<br>&lt;b&gt;Not bold&lt;/b&gt;" in body
    assert (
        '<a href="https://ana.example/" rel="nofollow noopener ugc me">https://ana.example/</a>'
        in body
    )
    assert '<a href="https://code.example/ana" rel="nofollow noopener ugc me">' in body
    joined = described_ana.account.created_at
    assert f'Joined <time datetime="{joined.isoformat()}">' in body
    assert joined.strftime("%B") in body
    # And no edit button, since it isn't their profile
    assert "Edit profile" not in body


def test_profile_shows_counts_and_an_honest_empty_post_list(client, user):
    body = client.get("/@ana").content.decode()
    count = r'<span class="profile-stats__count">0</span> <span class="profile-stats__label">{}<'
    assert re.search(count.format("Posts"), body)
    # The network counts link to their lists
    assert re.search(r'<a href="/@ana/following">' + count.format("Following"), body)
    assert re.search(r'<a href="/@ana/followers">' + count.format("Followers"), body)
    assert "No posts yet" in body


def test_profile_without_pictures_shows_an_initial_instead(client, user):
    body = client.get("/@ana").content.decode()
    assert '<span class="avatar avatar--large avatar--initial" aria-hidden="true">A</span>' in body
    assert '<img class="avatar' not in body


def test_own_profile_offers_an_edit_link(client_with_user):
    body = client_with_user.get("/@ana").content.decode()
    assert 'href="/settings/profile">Edit profile</a>' in body


def test_locked_account_says_it_approves_followers(client, user):
    profile_update(
        account=user.account, display_name="", bio="", links=[], locked=True, discoverable=False
    )
    body = client.get("/@ana").content.decode()
    assert "Approves followers" in body
    assert '<meta name="robots" content="noindex">' in body


def test_lookup_ignores_letter_case(client, described_ana):
    response = client.get("/@ANA")
    assert response.status_code == 200
    assert "Ana Lima" in response.content.decode()
    assert '<link rel="canonical" href="/@ana">' in response.content.decode()


@pytest.mark.django_db
def test_unknown_username_is_404(client):
    response = client.get("/@nobody_here")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_account_scheduled_for_deletion_is_404(client, user):
    user.deletion_scheduled_at = timezone.now()
    user.save(update_fields=["deletion_scheduled_at"])
    assert client.get("/@ana").status_code == 404


def test_profile_page_query_count_is_pinned(client, described_ana, django_assert_num_queries):
    # Anonymous: one query for the account and its user, then its pinned posts and its first
    # page of posts (none here, so nothing to hydrate)
    with django_assert_num_queries(3):
        assert client.get("/@ana").status_code == 200


def test_profile_page_reads_the_viewers_account_with_their_user(client, described_ana):
    # Given a signed-in visitor who has already loaded a page (the first one records the session)
    viewer = make_user("carla")
    client.force_login(viewer)
    client.get("/")
    # When they open ana's profile
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/@ana").status_code == 200
    # Then accounts are read once on their own (ana's, with her user), and the viewer's comes
    # with their user (accounts.models.user.MemberManager), for the header's "Profile" link.
    # (Session bookkeeping by allauth's usersessions varies, so isn't pinned.)
    account_reads = [q for q in queries if q["sql"].startswith('SELECT "accounts_account"')]
    user_reads = [q for q in queries if q["sql"].startswith('SELECT "accounts_user"')]
    assert len(account_reads) == 1
    assert len(user_reads) == 1
    assert 'JOIN "accounts_account"' in user_reads[0]["sql"]
