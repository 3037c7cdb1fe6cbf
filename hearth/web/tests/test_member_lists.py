"""The /lists pages: make, rename and delete lists, add and remove people, read a list.

(test_lists.py is about followers and following lists; these are the member's own lists.)"""

import pytest

from hearth.graph import services as graph
from hearth.posts.tests.factories import make_account, make_post
from hearth.testing.fixtures import make_user
from hearth.timelines import lists
from hearth.timelines.models import List, ListMember

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ana(user):
    return user.account


def main(response):
    body = response.content.decode()
    return body[body.index("<main") :]


def test_no_lists_yet_explains_and_offers_the_form(client_with_user):
    response = client_with_user.get("/lists")
    assert response.status_code == 200
    body = main(response)
    assert "No lists yet" in body
    assert '<label for="id_title">Title</label>' in body
    assert '<label for="id_replies_policy">Replies to show</label>' in body
    # And the nav leads here
    assert 'href="/lists" aria-current="page">Lists</a>' in response.content.decode()


def test_create_then_add_people_then_read_the_list(client_with_user, ana):
    # Given ana follows carla and dora, and zed follows nobody she knows
    carla, dora = make_account("carla"), make_account("dora")
    graph.follow(actor=ana, target=carla)
    graph.follow(actor=ana, target=dora)
    # When she creates a list, she is taken to add people
    response = client_with_user.post("/lists", {"title": "Friends", "replies_policy": "list"})
    created = List.objects.get(owner=ana)
    assert response.status_code == 302
    assert response["Location"] == f"/lists/{created.pk}/edit"
    edit = main(client_with_user.get(response["Location"]))
    assert "Add @carla to Friends" in edit
    assert "Add @dora to Friends" in edit
    # When she adds carla
    added = client_with_user.post(f"/lists/{created.pk}/add", {"account_id": carla.pk})
    assert added.status_code == 302
    assert list(ListMember.objects.values_list("account_id", flat=True)) == [carla.pk]
    edit = main(client_with_user.get(f"/lists/{created.pk}/edit"))
    assert "Remove @carla from Friends" in edit
    assert "Add @carla" not in edit
    # Then the list's timeline shows carla's posts and not dora's
    make_post(carla, "carla writes")
    make_post(dora, "dora writes")
    body = main(client_with_user.get(f"/lists/{created.pk}"))
    assert "<h1>Friends</h1>" in body
    assert "carla writes" in body
    assert "dora writes" not in body
    # And the lists page links to it
    assert f'href="/lists/{created.pk}"' in main(client_with_user.get("/lists"))


def test_the_edit_page_filters_people_you_follow(client_with_user, ana):
    for name in ("carla", "carmen", "dora"):
        graph.follow(actor=ana, target=make_account(name))
    mine = lists.list_create(owner=ana, title="C people")
    body = main(client_with_user.get(f"/lists/{mine.pk}/edit", {"q": "@car"}))
    assert "Add @carla" in body
    assert "Add @carmen" in body
    assert "Add @dora" not in body
    nobody = main(client_with_user.get(f"/lists/{mine.pk}/edit", {"q": "zz" * 500}))
    assert "Nobody you follow matches" in nobody


def test_bad_titles_show_an_error_next_to_the_field(client_with_user, ana):
    response = client_with_user.post("/lists", {"title": "   ", "replies_policy": "list"})
    assert response.status_code == 400
    body = main(response)
    assert 'class="field field--error"' in body
    assert "This field is required." in body
    assert not List.objects.exists()
    mine = lists.list_create(owner=ana, title="Fine")
    too_long = client_with_user.post(
        f"/lists/{mine.pk}/edit", {"title": "x" * 101, "replies_policy": "none"}
    )
    assert too_long.status_code == 400
    assert "at most 100 characters" in main(too_long)
    assert List.objects.get(pk=mine.pk).title == "Fine"


def test_rename_and_delete(client_with_user, ana):
    mine = lists.list_create(owner=ana, title="Old")
    renamed = client_with_user.post(
        f"/lists/{mine.pk}/edit", {"title": "New", "replies_policy": "followed"}
    )
    assert renamed.status_code == 302
    mine.refresh_from_db()
    assert (mine.title, mine.replies_policy) == ("New", "followed")
    deleted = client_with_user.post(f"/lists/{mine.pk}/delete")
    assert deleted["Location"] == "/lists"
    assert not List.objects.exists()


def test_adding_someone_not_followed_is_refused_with_a_message(client_with_user, ana):
    stranger = make_account("zed")
    mine = lists.list_create(owner=ana, title="Mine")
    response = client_with_user.post(
        f"/lists/{mine.pk}/add", {"account_id": stranger.pk}, follow=True
    )
    assert "You can only add accounts you follow." in main(response)
    assert not ListMember.objects.exists()
    junk = client_with_user.post(f"/lists/{mine.pk}/add", {"account_id": "abc"}, follow=True)
    assert "Choose someone to add or remove." in main(junk)


def test_someone_elses_list_is_not_found(client_with_user):
    bruno = make_user("bruno").account
    theirs = lists.list_create(owner=bruno, title="Bruno's")
    for path in ("", "/edit"):
        assert client_with_user.get(f"/lists/{theirs.pk}{path}").status_code == 404
    for path in ("/delete", "/add", "/remove"):
        assert (
            client_with_user.post(f"/lists/{theirs.pk}{path}", {"account_id": 1}).status_code == 404
        )
    assert List.objects.filter(pk=theirs.pk).exists()


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/lists")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_empty_list_and_older_pages(client_with_user, ana):
    carla = make_account("carla")
    graph.follow(actor=ana, target=carla)
    mine = lists.list_create(owner=ana, title="Quiet")
    assert "Nobody on this list yet" in main(client_with_user.get(f"/lists/{mine.pk}"))
    lists.list_members_add(list_=mine, account_ids=[carla.pk])
    assert "Nothing posted yet" in main(client_with_user.get(f"/lists/{mine.pk}"))
    made = [make_post(carla, f"number {n:02d}") for n in range(25)]
    body = main(client_with_user.get(f"/lists/{mine.pk}"))
    assert body.count("<article") == 20
    older = client_with_user.get(f"/lists/{mine.pk}", {"max_id": made[5].pk}, **HTMX)
    assert older.content.decode().count("<article") == 5
    assert "<main" not in older.content.decode()


def test_list_page_queries_are_constant(client_with_user, ana, django_assert_max_num_queries):
    carla = make_account("carla")
    graph.follow(actor=ana, target=carla)
    mine = lists.list_create(owner=ana, title="Busy")
    lists.list_members_add(list_=mine, account_ids=[carla.pk])
    client_with_user.get("/lists")  # the session's first request writes its records
    for n in range(5):
        make_post(carla, f"hello #tag{n} @ana")
    with django_assert_max_num_queries(16) as five:
        assert main(client_with_user.get(f"/lists/{mine.pk}")).count("<article") == 5
    for n in range(15):
        make_post(carla, f"more #more{n} @ana", in_reply_to=make_post(ana, f"ana {n}"))
    with django_assert_max_num_queries(len(five.captured_queries) + 1):  # + who replies are to
        assert main(client_with_user.get(f"/lists/{mine.pk}")).count("<article") == 20
