"""CompiledInsert: a model's INSERT compiled once stores what Model.objects.create would.
Here because it needs a model with a database-made id (the outbox) beside one with its own."""

from typing import Any

import pytest
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Upper
from django.db.models.signals import post_save

from hearth.core.compiled import CompiledInsert
from hearth.posts.models import Post
from hearth.posts.tests.factories import make_account
from hearth.posts.tests.test_compiled_query import _prepared
from hearth.timelines.models import FanoutJob

pytestmark = pytest.mark.django_db


def _row(model: type[Any], pk: int) -> dict[str, Any]:
    values: dict[str, Any] = model.objects.filter(pk=pk).values().get()
    return values


def test_an_insert_stores_what_the_orms_create_would(django_assert_num_queries: Any) -> None:
    # Given an author, and a post and an outbox row made both ways
    author = make_account("ana")
    posts, jobs = CompiledInsert(Post), CompiledInsert(FanoutJob)
    fields = {"author": author, "text": "Hello", "content_html": "<p>Hello</p>"}
    by_orm = Post.objects.create(**fields)
    job_by_orm = FanoutJob.objects.create(post=by_orm, kind=FanoutJob.Kind.POST)

    # When the compiled inserts make them again (one query each, twice: the second from the
    # template)
    with django_assert_num_queries(4):
        made = [posts.create(**fields, visibility="unlisted") for _ in range(2)]
        made_jobs = [jobs.create(post_id=post.pk, kind=FanoutJob.Kind.POST) for post in made]

    # Then the rows hold the same values, defaults and times included, the database's id is
    # read back, and the instances are saved ones
    for post, job in zip(made, made_jobs, strict=True):
        stored, reference = _row(Post, post.pk), _row(Post, by_orm.pk)
        assert stored["created_at"] == post.created_at
        assert post.created_at > by_orm.created_at
        different = {key for key in stored if stored[key] != reference[key]}
        assert different == {"id", "created_at", "visibility"}
        assert job.pk is not None
        assert job.pk > job_by_orm.pk
        assert _row(FanoutJob, job.pk) | {"id": 0, "post_id": 0} == _row(
            FanoutJob, job_by_orm.pk
        ) | {"id": 0, "post_id": 0, "created_at": job.created_at, "updated_at": job.updated_at}
        assert not post._state.adding
        assert not job._state.adding
        assert post.author is author
    assert all(template is not None for template in posts._templates.values())


def test_an_insert_rolls_back_with_its_transaction() -> None:
    author = make_account("ana")
    posts = CompiledInsert(Post)

    def insert_then_fail() -> None:
        with transaction.atomic():
            posts.create(author=author, text="Gone")
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        insert_then_fail()
    assert not Post.objects.filter(text="Gone").exists()


def test_a_model_with_save_receivers_is_saved_by_the_orm() -> None:
    # Given a post_save receiver on posts
    seen: list[int] = []

    def saved(sender: Any, instance: Post, created: bool, **kwargs: Any) -> None:
        seen.append(instance.pk)

    post_save.connect(saved, sender=Post, dispatch_uid="test.compiled_insert")
    try:
        # When a compiled insert makes a post
        post = CompiledInsert(Post).create(author=make_account("ana"), text="Seen")
    finally:
        post_save.disconnect(dispatch_uid="test.compiled_insert", sender=Post)

    # Then the receiver heard of it, as it would have from create()
    assert seen == [post.pk]


def test_a_value_that_is_sql_goes_through_the_orm() -> None:
    author = make_account("ana")
    post = CompiledInsert(Post).create(author=author, text=Upper(Value("shout")))
    assert _row(Post, post.pk)["text"] == "SHOUT"


@pytest.mark.postgres
def test_postgresql_prepares_an_insert_once() -> None:
    author = make_account("ana")
    posts = CompiledInsert(Post)
    for n in range(6):
        posts.create(author=author, text=f"Post {n}")
    [(runs, _)] = _prepared('INSERT INTO "posts_post"')
    assert runs == 6
