from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.core.html import markdown_to_html, sanitize


def test_markdown_renders_headings_lists_links_and_tables():
    # Given Markdown using the features policy texts use
    text = (
        "## Rules\n\n1. **Be kind**\n2. [Read more](https://example.org/x)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )

    # When it is rendered
    html = markdown_to_html(text)

    # Then the structure survives and links are made safe to follow
    assert "<h2>Rules</h2>" in html
    assert "<strong>Be kind</strong>" in html
    assert '<a href="https://example.org/x" rel="noopener noreferrer">Read more</a>' in html
    assert "<td>1</td>" in html


def test_sanitize_drops_scripts_handlers_and_javascript_links():
    # Given hostile markup, raw or inside Markdown
    hostile = (
        '<script>alert(1)</script><img src=x onerror="alert(2)">'
        '<a href="javascript:alert(3)" onclick="alert(4)">click</a>'
        '<p style="position:fixed">styled</p><iframe src="https://evil.example"></iframe>'
    )

    # When it is sanitized, directly and through Markdown
    for html in (sanitize(hostile), markdown_to_html(hostile)):
        # Then nothing executable or layout-breaking is left, but the text is
        assert "script" not in html
        assert "onerror" not in html
        assert "onclick" not in html
        assert "javascript:" not in html
        assert "style=" not in html
        assert "iframe" not in html
        assert "<img" not in html
        assert "click" in html
        assert "styled" in html


def test_mailto_links_are_kept():
    assert 'href="mailto:team@example.org"' in markdown_to_html("[us](mailto:team@example.org)")


def test_a_tighter_allowlist_can_be_passed():
    assert (
        sanitize("<p><em>hi</em> <strong>x</strong></p>", tags={"p", "em"})
        == "<p><em>hi</em> x</p>"
    )


@settings(deadline=None)  # Markdown on odd input can be slow on a busy machine
@given(st.text())
def test_any_text_comes_out_without_script_tags(text):
    html = markdown_to_html(text + "<script>x</script>")
    assert "<script" not in html.lower()
