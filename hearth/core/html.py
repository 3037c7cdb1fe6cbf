"""Turning text people write into HTML that is safe to put in a page.

Everything user- or admin-supplied that becomes markup goes through `sanitize`, so one allowlist
decides what may reach a browser. nh3 parses the fragment like a browser would and drops every tag,
attribute and URL scheme not listed here, including scripts, styles, event handlers and
`javascript:` links.
"""

from collections.abc import Mapping, Set

import markdown
import nh3

#: Tags for long-form text (policy pages, bios rendered from Markdown, later posts).
RICH_TEXT_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "i",
        "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
        "tr", "ul",
    }
)  # fmt: skip

RICH_TEXT_ATTRIBUTES: Mapping[str, Set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}

URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})


def sanitize(
    html: str,
    *,
    tags: Set[str] = RICH_TEXT_TAGS,
    attributes: Mapping[str, Set[str]] = RICH_TEXT_ATTRIBUTES,
    attribute_values: Mapping[str, Mapping[str, Set[str]]] | None = None,
    link_rel: str | None = "noopener noreferrer",
) -> str:
    """Keep only the allowed tags, attributes and link schemes; links get rel="noopener
    noreferrer" so a linked page can't reach back into ours.

    `attribute_values` allows an attribute only with one of the listed values (per tag), for
    markup Hearth generates itself, such as a post's links. With `link_rel=None` links keep a
    `rel` allowed that way instead of getting the default one.
    """
    return nh3.clean(
        html,
        tags=set(tags),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in attributes.items()},
        tag_attribute_values={
            tag: {name: set(values) for name, values in names.items()}
            for tag, names in (attribute_values or {}).items()
        },
        url_schemes=set(URL_SCHEMES),
        link_rel=link_rel,
    )


def markdown_to_html(text: str) -> str:
    """Render Markdown (with tables and fenced code) and sanitize the result.

    Raw HTML in the Markdown is not trusted: it passes through the same allowlist as the rest.
    """
    rendered: str = markdown.markdown(
        text, extensions=["tables", "fenced_code", "sane_lists"], output_format="html"
    )
    return sanitize(rendered)
