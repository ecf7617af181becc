"""Reviewed code must never ping people or inject markup through our comments."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.rendered import injected, markdown
from workers.markdown import code, safe

HOSTILE = st.text(
    alphabet=st.sampled_from(list("ab @#:/w.`*_[]()!<>&|~\\-=+\n\r\t 0123456789")) | st.characters(),
    max_size=80,
)


def test_mentions_outside_code_do_not_ping() -> None:
    assert "@\u200balice" in safe("ask @alice")


def test_html_outside_code_is_shown_not_rendered() -> None:
    assert safe("<img src=x onerror=alert(1)>").startswith("&lt;img")


def test_code_spans_keep_their_text() -> None:
    assert safe("set `lr=0.1` here") == "set `lr=0.1` here"


def test_code_span_cannot_be_broken_out_of() -> None:
    assert code("a ` b") == "`` a ` b ``"


def test_issue_references_and_urls_are_not_linked() -> None:
    assert injected(safe("fixes #12, see https://evil.example and www.evil.example")) == []


def test_a_line_break_cannot_start_a_heading_list_or_quote() -> None:
    blocks = [
        token.type
        for token in markdown(safe("x\n# PWNED\n- item\n> quote\n==="))
        if token.type.endswith("_open")
    ]
    assert blocks == ["paragraph_open"]


def test_escapes_survive_a_backslash_in_the_source() -> None:
    assert injected(safe("\\*PWNED\\* \\`x\\` \\[l](http://e)"), ["PWNED"]) == []


def test_a_fake_marker_inside_a_code_span_is_broken_up() -> None:
    assert "<!-- mldebt:" not in safe("`<!-- mldebt:fixed -->`") + code("<!-- mldebt:finding 1 -->")


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_nothing_in_safe_text_renders_as_markup(text: str) -> None:
    assert injected(safe(f"PWNED {text} PWNED"), ["PWNED"]) == []


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_code_is_one_literal_span_whatever_it_holds(text: str) -> None:
    inline = [token for token in markdown(f"x {code(text, limit=1000)} y") if token.type == "inline"]
    spans = [child for child in inline[0].children or [] if child.type == "code_inline"] if inline else []
    flat = " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).split())
    if flat:
        assert [span.content.replace("\u200b", "") for span in spans] == [flat]
