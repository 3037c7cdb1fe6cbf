"""A post's pages (the thread, edit, history, delete) and what members do to posts: write,
reply, like, repost, bookmark, pin.

Actions are POST forms. With htmx (HX-Request) the answer is the post's card drawn afresh and
swapped in place; without it, a flash message and a redirect back to `next` (when it points into
this site) or to the post.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hearth.accounts.models import Account
from hearth.accounts.models.user import Visibility
from hearth.core import ratelimit
from hearth.posts import selectors, services
from hearth.posts.errors import PostActionError
from hearth.posts.models import Post
from hearth.timelines.selectors import hydrate_posts
from hearth.web.post_forms import EditForm, PostForm, add_errors, compose_form
from hearth.web.templatetags.hearth_tags import post_url
from hearth.web.views.home import home_page
from hearth.web.views.media import ComposeMedia, compose_media
from hearth.web.views.relationships import is_htmx, member_account, safe_next, viewer_account

#: Replies shown under a post before "Show more replies".
REPLIES_SHOWN = 20


# --- Writing ---------------------------------------------------------------------------------


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    """Publish a post or a reply. On a problem the page it came from is drawn again with the
    text kept and the error beside the field."""
    author = member_account(request)
    photos = compose_media(request)
    form = PostForm(_with_media_ids(request, photos.ids))
    parent: Post | None = None
    if form.is_valid():
        parent = _reply_parent(author, form)
        for problem in _photo_problems(request, photos):
            form.add_error(None, problem)
        if form.is_valid():  # _reply_parent may have added an error
            visibility = form.cleaned_data["visibility"]
            ratelimit.limit(request, "message" if visibility == Visibility.DIRECT else "post")
            try:
                post = services.post_create(
                    author=author,
                    text=form.cleaned_data["text"],
                    spoiler_text=form.cleaned_data["spoiler_text"],
                    visibility=form.cleaned_data["visibility"],
                    sensitive=form.cleaned_data["sensitive"],
                    in_reply_to=parent,
                    media_ids=photos.ids,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Your reply is posted." if parent else "Posted.")
                if photos.undescribed:
                    messages.warning(request, _undescribed_warning(photos.undescribed))
                if parent is not None:
                    return redirect(post_url(post))
                return redirect(safe_next(request) or reverse("home"))
    if parent is not None:
        return thread_page(request, parent, reply_form=form, status=400)
    return home_page(request, form=form, status=400)


def _with_media_ids(request: HttpRequest, ids: list[str]) -> QueryDict:
    """The posted form, its photos replaced by the uploads they became (so a form coming back
    with an error keeps them without uploading the files again)."""
    data = request.POST.copy()
    data.setlist("media_ids", ids)
    return data


def _photo_problems(request: HttpRequest, photos: ComposeMedia) -> list[str]:
    problems = list(photos.errors)
    if photos.undescribed and getattr(request.user, "require_alt_text", False):
        problems.append(
            "Describe each image before posting: your preferences ask for a description "
            "(alt text) on every image."
        )
    return problems


def _undescribed_warning(count: int) -> str:
    images = "One image has" if count == 1 else f"{count} images have"
    return (
        f"{images} no description. People who can’t see images rely on them: you can add "
        "one next time in the compose box."
    )


def _reply_parent(author: Account, form: PostForm) -> Post | None:
    raw = form.cleaned_data.get("in_reply_to") or ""
    if not raw:
        return None
    try:
        return selectors.access_post(author, raw)
    except Http404:
        form.add_error(None, "The post you’re replying to is no longer available.")
        return None


# --- The thread ------------------------------------------------------------------------------


def detail(request: HttpRequest, username: str, post_id: int) -> HttpResponse:
    """A post with the thread around it. 404 if the viewer may not see it; a wrong username
    (or a repost's id) redirects to the post's own address."""
    post = selectors.access_post(viewer_account(request), post_id)
    if post.reblog_of is not None:
        return redirect(post_url(post.reblog_of))
    if post.author.username != username:
        return redirect(post_url(post))
    return thread_page(request, post)


def thread_page(
    request: HttpRequest, post: Post, *, reply_form: PostForm | None = None, status: int = 200
) -> HttpResponse:
    viewer = viewer_account(request)
    context = selectors.post_context(viewer, post)
    replies = context.descendants
    show_all = request.GET.get("replies") == "all"
    shown_replies = replies if show_all else replies[:REPLIES_SHOWN]
    views = hydrate_posts(
        viewer, [*context.ancestors, post, *(reply.post for reply in shown_replies)]
    )
    ancestors = views[: len(context.ancestors)]
    main = views[len(context.ancestors)]
    reply_views = views[len(context.ancestors) + 1 :]
    page = {
        "view": main,
        "ancestors": ancestors,
        "replies": [
            (reply.depth, view) for reply, view in zip(shown_replies, reply_views, strict=True)
        ],
        "hidden_replies": len(replies) - len(shown_replies),
        "viewer": viewer,
        "reply_form": reply_form or (compose_form(request, post) if viewer else None),
        "max_chars": _max_chars(),
    }
    return render(request, "web/posts/detail.html", page, status=status)


def _max_chars() -> int:
    limit: int = settings.HEARTH_MAX_POST_CHARS
    return limit


# --- Edit, history, delete -------------------------------------------------------------------


def _own_post(request: HttpRequest, username: str, post_id: int) -> Post:
    """The signed-in member's own post (not a repost) at this address, else 404."""
    viewer = viewer_account(request)
    post = selectors.access_post(viewer, post_id)
    if (
        viewer is None
        or post.author_id != viewer.pk
        or post.reblog_of_id is not None
        or post.author.username != username
    ):
        raise Http404("No such post.")
    return post


@login_required
def edit(request: HttpRequest, username: str, post_id: int) -> HttpResponse:
    post = _own_post(request, username, post_id)
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                services.post_edit(
                    post=post,
                    editor=member_account(request),
                    text=form.cleaned_data["text"],
                    spoiler_text=form.cleaned_data["spoiler_text"],
                    sensitive=_sensitive_after_edit(post, form.cleaned_data["spoiler_text"]),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Your post is updated.")
                return redirect(post_url(post))
        status = 400
    else:
        form = EditForm(initial={"text": post.text, "spoiler_text": post.spoiler_text})
        status = 200
    context = {"post": post, "form": form, "max_chars": _max_chars()}
    return render(request, "web/posts/edit.html", context, status=status)


def _sensitive_after_edit(post: Post, spoiler_text: str) -> bool:
    """The page has no "sensitive" switch: a post marked so by its content warning follows the
    warning (removing it unmarks the post); one marked sensitive without a warning stays so."""
    if post.spoiler_text:
        return bool(spoiler_text)
    return post.sensitive or bool(spoiler_text)


def history(request: HttpRequest, username: str, post_id: int) -> HttpResponse:
    """Every version of a post, the current one first."""
    viewer = viewer_account(request)
    post = selectors.access_post(viewer, post_id)
    if post.reblog_of_id is not None or post.author.username != username:
        raise Http404("No such post.")
    earlier = list(selectors.post_edits(viewer, post))
    earlier.reverse()
    context = {"post": post, "earlier": earlier}
    return render(request, "web/posts/history.html", context)


@login_required
def delete(request: HttpRequest, username: str, post_id: int) -> HttpResponse:
    """GET: are you sure? POST: delete, then back to where it's still meaningful."""
    post = _own_post(request, username, post_id)
    if request.method != "POST":
        context = {"post": post, "next": safe_next(request) or ""}
        return render(request, "web/posts/delete_confirm.html", context)
    services.post_delete(post=post, actor=member_account(request))
    if is_htmx(request):
        return HttpResponse("")  # the card swaps itself out of the page
    messages.success(request, "Your post is deleted.")
    target = safe_next(request)
    if target is None or target.rstrip("/").endswith(str(post.pk)):
        target = reverse("home")
    return redirect(target)


# --- Actions on a post -----------------------------------------------------------------------

Action = Callable[[Account, Post], str]


def _favourite(actor: Account, post: Post) -> str:
    services.favourite(actor=actor, post=post)
    return "Liked."


def _unfavourite(actor: Account, post: Post) -> str:
    services.unfavourite(actor=actor, post=post)
    return "Like removed."


def _reblog(actor: Account, post: Post) -> str:
    services.reblog(actor=actor, post=post)
    return "Reposted to your followers."


def _unreblog(actor: Account, post: Post) -> str:
    services.unreblog(actor=actor, post=post)
    return "Repost removed."


def _bookmark(actor: Account, post: Post) -> str:
    services.bookmark(actor=actor, post=post)
    return "Saved to your bookmarks."


def _unbookmark(actor: Account, post: Post) -> str:
    services.unbookmark(actor=actor, post=post)
    return "Removed from your bookmarks."


def _pin(actor: Account, post: Post) -> str:
    services.pin(actor=actor, post=post)
    return "Pinned to your profile."


def _unpin(actor: Account, post: Post) -> str:
    services.unpin(actor=actor, post=post)
    return "Unpinned from your profile."


ACTIONS: dict[str, Action] = {
    "favourite": _favourite,
    "unfavourite": _unfavourite,
    "reblog": _reblog,
    "unreblog": _unreblog,
    "bookmark": _bookmark,
    "unbookmark": _unbookmark,
    "pin": _pin,
    "unpin": _unpin,
}


@login_required
@require_POST
def action(request: HttpRequest, post_id: int, name: str) -> HttpResponse:
    """Like, repost, bookmark or pin a post, or undo it. `card` is the id of the card the
    button sits on (a repost's card acts on the original), so htmx gets that card back."""
    change = ACTIONS.get(name)
    if change is None:
        raise Http404("No such action.")
    actor = member_account(request)
    post = selectors.access_post(actor, post_id)
    try:
        notice, error = change(actor, post), None
    except PostActionError as refused:
        notice, error = None, refused.message
    if is_htmx(request):
        return _card(request, actor, post, notice=notice, error=error)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect(safe_next(request) or post_url(post))


def _card(
    request: HttpRequest, actor: Account, post: Post, *, notice: str | None, error: str | None
) -> HttpResponse:
    """The card the action came from, drawn afresh: the repost it was on if that still exists
    (undoing one's own repost removes it), else the post itself."""
    card_ids = [post.pk]
    card = request.POST.get("card", "")
    if card.isascii() and card.isdigit() and len(card) < 20:
        card_ids.insert(0, int(card))
    rows = selectors.posts_by_ids(actor, card_ids)
    if not rows:
        return HttpResponse("")
    view = hydrate_posts(actor, rows[:1])[0]
    context = {
        "view": view,
        "viewer": actor,
        "next": safe_next(request) or "",
        "notice": notice,
        "error": error,
        "focus": request.POST.get("focus") == "1",
    }
    return render(request, "web/posts/_post.html", context)
