"""Reviewed code must never ping people or inject markup through our comments."""

from workers.markdown import code, safe


def test_mentions_outside_code_do_not_ping() -> None:
    assert "@\u200balice" in safe("ask @alice")


def test_html_outside_code_is_shown_not_rendered() -> None:
    assert safe("<img src=x onerror=alert(1)>").startswith("&lt;img")


def test_code_spans_keep_their_text() -> None:
    assert safe("set `lr=0.1` here") == "set `lr=0.1` here"


def test_code_span_cannot_be_broken_out_of() -> None:
    assert code("a ` b") == "`` a ` b ``"
