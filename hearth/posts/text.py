"""Turning what someone typed into a post's HTML: pure functions, no database.

`render` escapes everything first and only then adds the markup Hearth makes itself: links for
http(s) URLs, @mentions of accounts that exist here, #hashtags, paragraphs and line breaks. The
result still passes through the sanitizer (hearth.core.html) with an allowlist of exactly that
markup, so a bug here cannot let a script through.

Which @usernames exist is a question for the database, so the caller passes `resolve_usernames`
(hearth.posts.services does, with one query for all the names in a post); tests pass a dict.
"""

import html
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple
from urllib.parse import quote

from hearth.core.html import sanitize
from hearth.posts.models.hashtag import MAX_HASHTAG_LENGTH

#: A link counts as this many characters towards the limit, however long it is (as on Mastodon).
URL_LENGTH = 23
#: Characters that print as nothing; a post made only of these (and spaces) is empty.
INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff"
#: Longest link text shown; the href keeps the whole URL.
URL_DISPLAY_LENGTH = 30

UsernameResolver = Callable[[Iterable[str]], Mapping[str, str]]


class RenderedText(NamedTuple):
    html: str
    #: Usernames of the existing accounts mentioned, as spelled on the account, in order.
    mentioned_usernames: tuple[str, ...]
    #: Hashtags used, as first typed, in order, one per name whatever the letter case.
    hashtags: tuple[str, ...]


def _combining_marks() -> str:
    """Every combining mark as a character-class fragment: `\\w` alone would cut a hashtag
    like #हिन्दी at its first vowel sign."""
    ranges: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_WORD = rf"[\w{_combining_marks()}]"
_URL = r"https?://[^\s<>\"'`]+"
# A token starts at the beginning or after something that can't be part of a word, a path or
# an address: "a@b" is not a mention, "x#y" and "&#39;" are not hashtags.
_TOKENS = re.compile(
    rf"(?P<url>(?<![\w/]){_URL})"
    rf"|(?<![\w@/])@(?P<mention>[A-Za-z0-9_]{{1,30}})(?![\w@])"
    rf"|(?<![\w#&/])#(?P<hashtag>{_WORD}+)"
)
_URL_ONLY = re.compile(rf"(?<![\w/]){_URL}")
_TRAILING_PUNCTUATION = ".,:;!?"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")

_TAGS = frozenset({"p", "br", "a", "span"})
_ATTRIBUTES = {"a": frozenset({"href"})}
_ATTRIBUTE_VALUES = {
    "a": {
        "class": frozenset({"u-url mention", "mention hashtag"}),
        "rel": frozenset({"nofollow noopener noreferrer", "tag"}),
        "target": frozenset({"_blank"}),
    },
    "span": {"class": frozenset({"h-card"})},
}


def render(text: str, *, resolve_usernames: UsernameResolver) -> RenderedText:
    """The post's HTML, the existing accounts it mentions and the hashtags it uses.

    `resolve_usernames(names)` returns {lower-cased name: username as spelled} for the names
    that belong to an account; other @names stay plain text.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    wanted = {match["mention"].lower() for match in _TOKENS.finditer(text) if match["mention"]}
    known = {name.lower(): spelled for name, spelled in resolve_usernames(wanted).items()}
    mentions: dict[str, str] = {}
    hashtags: dict[str, str] = {}
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        lines = [_render_line(line, known, mentions, hashtags) for line in paragraph.split("\n")]
        paragraphs.append(f"<p>{'<br>'.join(lines)}</p>")
    markup = "".join(paragraphs) if text else ""
    clean = sanitize(
        markup,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_values=_ATTRIBUTE_VALUES,
        link_rel=None,
    )
    return RenderedText(clean, tuple(mentions.values()), tuple(hashtags.values()))


def _render_line(
    line: str, known: Mapping[str, str], mentions: dict[str, str], hashtags: dict[str, str]
) -> str:
    parts = []
    position = 0
    for match in _TOKENS.finditer(line):
        markup, end = _render_token(match, known, mentions, hashtags)
        if markup is None:
            continue
        parts.append(html.escape(line[position : match.start()]))
        parts.append(markup)
        position = end
    parts.append(html.escape(line[position:]))
    return "".join(parts)


def _render_token(
    match: re.Match[str],
    known: Mapping[str, str],
    mentions: dict[str, str],
    hashtags: dict[str, str],
) -> tuple[str | None, int]:
    """The markup for one token and where it ends, or None to leave it as text."""
    if match["url"]:
        url = _trim_url(match["url"])
        return _link(url), match.start() + len(url)
    if match["mention"]:
        username = known.get(match["mention"].lower())
        if username is None:
            return None, match.end()
        mentions.setdefault(username.lower(), username)
        return _mention(username), match.end()
    name = match["hashtag"]
    if len(name) > MAX_HASHTAG_LENGTH or not any(char.isalpha() for char in name):
        return None, match.end()  # #1 or an essay: not a tag
    hashtags.setdefault(name.casefold(), name)
    return _hashtag(name), match.end()


def _trim_url(url: str) -> str:
    """Leave out punctuation that ends the sentence rather than the URL, and a closing
    parenthesis that closes one opened before the URL."""
    while url and (
        url[-1] in _TRAILING_PUNCTUATION or (url[-1] == ")" and url.count("(") < url.count(")"))
    ):
        url = url[:-1]
    return url


def _link(url: str) -> str:
    shown = url.split("://", 1)[1]
    if shown.startswith("www."):
        shown = shown[4:]
    if len(shown) > URL_DISPLAY_LENGTH:
        shown = shown[:URL_DISPLAY_LENGTH] + "…"
    return (
        f'<a href="{html.escape(url)}" rel="nofollow noopener noreferrer" target="_blank">'
        f"{html.escape(shown)}</a>"
    )


def _mention(username: str) -> str:
    # Usernames are ASCII letters, digits and underscores: nothing to escape.
    return (
        f'<span class="h-card"><a href="/@{username}" class="u-url mention">'
        f"@<span>{username}</span></a></span>"
    )


def _hashtag(name: str) -> str:
    # A word of letters, digits, marks and underscores: nothing to escape in text.
    return (
        f'<a href="/tags/{quote(name)}" class="mention hashtag" rel="tag">#<span>{name}</span></a>'
    )


def text_length(text: str) -> int:
    """How long the post counts as: characters, with each link counted as URL_LENGTH."""
    return len(text) + sum(URL_LENGTH - len(_trim_url(url)) for url in _URL_ONLY.findall(text))


def is_blank(text: str) -> bool:
    """Nothing anyone could read: empty, spaces, or characters that print as nothing."""
    return not text.translate(dict.fromkeys(map(ord, INVISIBLE_CHARACTERS))).strip()
