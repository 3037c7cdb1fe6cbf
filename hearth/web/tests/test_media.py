"""The compose box's photo endpoints and form, with and without JavaScript, and a browser run."""

import pytest

from hearth.accounts.tests import imagefiles as f
from hearth.media.models import MediaAttachment
from hearth.media.tests.conftest import jpeg
from hearth.posts.models import Post
from hearth.testing.fixtures import PASSWORD, make_user


def _file(content=None, name="photo.jpg"):
    return f.upload(content if content is not None else jpeg(), name, "image/jpeg")


def test_upload_endpoint_returns_json(client_with_user):
    response = client_with_user.post("/media/upload", {"file": _file()})
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "ready"
    assert body["preview_url"].endswith(".webp")
    assert MediaAttachment.objects.filter(pk=body["id"]).exists()


def test_upload_endpoint_refuses_a_text_file_named_jpg(client_with_user):
    response = client_with_user.post("/media/upload", {"file": _file(b"hello " * 50)})
    assert response.status_code == 400
    assert "isn’t an image" in response.json()["error"]
    assert not MediaAttachment.objects.exists()


def test_upload_needs_login(client):
    assert client.post("/media/upload", {"file": _file()}).status_code == 302


def test_posting_with_uploaded_ids_and_descriptions_then_seeing_the_gallery(client_with_user):
    ids = [client_with_user.post("/media/upload", {"file": _file()}).json()["id"] for _ in "ab"]
    response = client_with_user.post(
        "/posts",
        {
            "text": "Two pictures",
            "visibility": "public",
            "media_ids": ids,
            f"media_description_{ids[0]}": "A blue square",
            f"media_description_{ids[1]}": "Another blue square",
        },
        follow=True,
    )
    post = Post.objects.get(text="Two pictures")
    assert [str(m.pk) for m in post.media_attachments.order_by("position")] == ids
    page = response.content.decode()
    assert 'alt="A blue square"' in page
    assert "srcset=" in page
    assert "no description" not in page


def test_posting_without_js_uploads_the_files_and_warns_about_alt_text(client_with_user):
    response = client_with_user.post(
        "/posts",
        {"text": "", "visibility": "public", "media_file_0": _file(), "media_alt_0": ""},
        follow=True,
    )
    post = Post.objects.get()
    assert post.media_attachments.count() == 1
    assert "One image has no description" in response.content.decode()


def test_require_alt_text_blocks_undescribed_images(client_with_user, user):
    user.require_alt_text = True
    user.save()
    response = client_with_user.post(
        "/posts", {"text": "hi", "visibility": "public", "media_file_0": _file()}
    )
    assert response.status_code == 400
    assert "Describe each image" in response.content.decode()
    assert not Post.objects.exists()


def test_profile_media_tab_shows_a_grid(client_with_user, user):
    media_id = client_with_user.post("/media/upload", {"file": _file()}).json()["id"]
    client_with_user.post(
        "/posts", {"text": "pic", "visibility": "public", "media_ids": [media_id]}
    )
    client_with_user.post("/posts", {"text": "no pic", "visibility": "public"})
    page = client_with_user.get(f"/@{user.username}/media").content.decode()
    assert "media-grid" in page
    assert "no pic" not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_attach_two_images_with_alt_text_and_see_them_in_the_post(chromium, live_server, tmp_path):
    # Given Ana signed in, and two photos on disk
    make_user("ana")
    paths = []
    for n, colour in enumerate([(200, 40, 40), (40, 160, 60)]):
        path = tmp_path / f"photo{n}.jpg"
        path.write_bytes(jpeg(900, 600, colour))
        paths.append(str(path))
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("ana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    # When she picks both, describes them and posts
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Add images").click()
    chooser.value.set_files(paths)
    descriptions = page.locator("[data-compose-previews]").get_by_label("Description (alt text)")
    descriptions.nth(1).wait_for()
    page.locator("input[name=media_ids]").nth(1).wait_for(state="attached")
    descriptions.nth(0).fill("A red card on a table")
    descriptions.nth(1).fill("A green leaf")
    page.get_by_label("What’s on your mind?").fill("Colours of the day")
    page.get_by_role("button", name="Post", exact=True).click()

    # Then the post shows both images with their descriptions
    card = page.locator("article", has_text="Colours of the day").first
    card.get_by_role("img", name="A red card on a table").wait_for()
    assert card.get_by_role("img", name="A green leaf").is_visible()
    # And clicking one opens the viewer, which Escape closes
    card.get_by_role("img", name="A green leaf").click()
    page.locator("dialog.media-viewer[open]").wait_for()
    page.keyboard.press("ArrowLeft")
    assert page.locator(".media-viewer__caption").inner_text() == "A red card on a table"
    page.keyboard.press("Escape")
    page.locator("dialog.media-viewer[open]").wait_for(state="detached")
    assert Post.objects.get().media_attachments.count() == 2


def test_uploads_past_the_limit_get_a_429_the_uploader_shows(client_with_user, rate_limits):
    rate_limits.HEARTH_RATE_LIMITS = {"upload": {"new_account": "2/h"}}  # a member of a day
    for _ in range(2):
        assert client_with_user.post("/media/upload", {"file": _file()}).status_code == 201

    response = client_with_user.post("/media/upload", {"file": _file()})

    assert response.status_code == 429
    assert "uploaded a lot of images" in response.json()["error"]
    assert int(response["Retry-After"]) > 0
    assert MediaAttachment.objects.count() == 2


def test_a_post_without_js_past_the_upload_limit_keeps_its_text(client_with_user, rate_limits):
    rate_limits.HEARTH_RATE_LIMITS = {"upload": {"new_account": "1/h"}}
    response = client_with_user.post(
        "/posts",
        {
            "text": "two photos from today",
            "visibility": "public",
            "media_file_0": _file(),
            "media_alt_0": "one",
            "media_file_1": _file(name="second.jpg"),
            "media_alt_1": "two",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "second.jpg: You’ve uploaded a lot of images" in page
    assert "two photos from today" in page
    assert not Post.objects.exists()
