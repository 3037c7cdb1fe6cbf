import re
from html import unescape
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.posts.text import URL_LENGTH, is_blank, render, text_length

KNOWN = {"ana": "Ana", "bruno": "bruno"}


ALLOWED = {
    "p": {},
    "br": {},
    "span": {"class": {"h-card"}},
    "a": {
        "class": {"u-url mention", "mention hashtag"},
        "rel": {"nofollow noopener noreferrer", "tag"},
        "target": {"_blank"},
    },
}


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def markup(html):
    """[(tag, {attribute: value})] for every element in `html`."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


def assert_only_hearth_markup(elements):
    for tag, attrs in elements:
        assert tag in ALLOWED
        for name, value in attrs.items():
            if name == "href":
                assert value.startswith(("https://", "http://", "/@", "/tags/"))
            else:
                assert value in ALLOWED[tag][name]


def resolve(names):
    return {name: KNOWN[name] for name in names if name in KNOWN}


def html_of(text):
    return render(text, resolve_usernames=resolve).html


def test_plain_text_is_one_paragraph_with_line_breaks():
    # Given two lines, a blank line and a third
    # When rendered
    html = html_of("first\nsecond\n\nthird")
    # Then blank lines make paragraphs and single newlines make breaks
    assert html == "<p>first<br>second</p><p>third</p>"


def test_windows_newlines_and_surrounding_space_are_normalised():
    assert html_of("  a\r\nb\r\n\r\nc  \n") == "<p>a<br>b</p><p>c</p>"


def test_links_open_in_a_new_tab_without_passing_credit_and_show_trimmed():
    # Given a long URL at the end of a sentence
    url = "https://www.example.org/a/rather/long/path/to/somewhere?x=1"
    # When rendered
    html = html_of(f"Read {url}.")
    # Then the link keeps the whole URL, not the full stop, and shows a shortened form
    assert html == (
        f'<p>Read <a href="{url.replace("&", "&amp;")}" rel="nofollow noopener noreferrer" '
        'target="_blank">example.org/a/rather/long/path…</a>.</p>'
    )


def test_link_in_parentheses_keeps_its_own_parentheses_only():
    html = html_of("(see https://en.wikipedia.org/wiki/Hearth_(disambiguation))")
    assert 'href="https://en.wikipedia.org/wiki/Hearth_(disambiguation)"' in html
    assert html.endswith("</a>)</p>")


def test_only_http_and_https_become_links():
    html = html_of("javascript:alert(1) ftp://example.org data:text/html,x")
    assert "<a" not in html


def test_mentions_of_existing_accounts_link_to_their_profiles():
    # Given a text mentioning a known account in another letter case, and an unknown one
    rendered = render("hi @ANA and @nobody", resolve_usernames=resolve)
    # Then the known one becomes an h-card link spelled as the account is, the other stays text
    assert rendered.html == (
        '<p>hi <span class="h-card"><a href="/@Ana" class="u-url mention">@<span>Ana</span>'
        "</a></span> and @nobody</p>"
    )
    assert rendered.mentioned_usernames == ("Ana",)


def test_mentions_are_listed_once_and_resolved_in_one_call():
    calls = []

    def counting(names):
        calls.append(set(names))
        return resolve(names)

    rendered = render("@ana @bruno @Ana @zed", resolve_usernames=counting)
    assert calls == [{"ana", "bruno", "zed"}]
    assert rendered.mentioned_usernames == ("Ana", "bruno")


@pytest.mark.parametrize("text", ["mail ana@example.org", "@ana@remote.example", "x@ana"])
def test_email_addresses_and_remote_handles_are_not_local_mentions(text):
    rendered = render(text, resolve_usernames=resolve)
    assert rendered.mentioned_usernames == ()
    assert "mention" not in rendered.html


def test_hashtags_with_unicode_letters_link_to_the_tag_page():
    # Given tags in several scripts, with combining marks, and a number that is not a tag
    rendered = render("#Café #हिन्दी #日本語 #tag_2 #123 x#no", resolve_usernames=resolve)
    # Then each tag links to /tags/<name> and is listed once, as typed
    assert rendered.hashtags == ("Café", "हिन्दी", "日本語", "tag_2")
    cafe = '<a href="/tags/Caf%C3%A9" class="mention hashtag" rel="tag">#<span>Café</span></a>'
    assert cafe in rendered.html
    assert "#123" in rendered.html
    assert "x#no" in rendered.html


def test_hashtags_are_listed_once_whatever_the_letter_case():
    rendered = render("#Hearth and #hearth and #HEARTH", resolve_usernames=resolve)
    assert rendered.hashtags == ("Hearth",)
    assert rendered.html.count("mention hashtag") == 3


def test_a_hash_inside_a_link_is_part_of_the_link():
    rendered = render("https://example.org/page#section", resolve_usernames=resolve)
    assert rendered.hashtags == ()
    assert 'href="https://example.org/page#section"' in rendered.html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        'https://example.org/"onmouseover="alert(1)',
        "https://example.org/<script>alert(1)</script>",
        "#tag<script>",
        "@ana<img src=x>",
        "&lt;script&gt;",
    ],
)
def test_markup_in_the_text_is_shown_as_text(hostile):
    # When hostile markup is rendered
    elements = markup(html_of(hostile))
    # Then only Hearth's own markup is there, with safe links and no handlers
    assert_only_hearth_markup(elements)
    assert all(tag != "a" or attrs["href"] != "javascript:alert(1)" for tag, attrs in elements)


def test_empty_text_renders_nothing():
    assert render("", resolve_usernames=resolve).html == ""


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_any_text_renders_to_allowed_markup_only(text):
    assert_only_hearth_markup(markup(html_of(text)))


@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Co", "Cn"),
            blacklist_characters="<>&@#:/\"'",
        )
    )
)
@settings(max_examples=200, deadline=None)
def test_text_without_special_characters_reads_the_same(text):
    html = html_of(text)
    visible = unescape(re.sub(r"<[^>]+>", "", html))
    assert visible == text.strip() or not text.strip()


def test_length_counts_characters_and_each_link_as_23():
    url = "https://example.org/" + "x" * 100
    assert text_length("héllo") == 5
    assert text_length(f"see {url}") == 4 + URL_LENGTH
    assert text_length(f"({url}).") == 1 + URL_LENGTH + 2


def test_length_counts_emoji_as_characters():
    assert text_length("👍" * 3) == 3


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u200b", "\u200b\u200c\u200d\u2060\ufeff "])
def test_blank_text_is_empty_or_invisible(text):
    assert is_blank(text)


@pytest.mark.parametrize("text", ["a", " . ", "\u200bx"])
def test_visible_text_is_not_blank(text):
    assert not is_blank(text)
