"""The set-up page a person's browser loads: exactly what it sends to GitHub, escaped for HTML."""

from __future__ import annotations

from bot.setup.flow import form_page


def test_the_form_page_posts_the_manifest_by_itself_with_every_character_escaped() -> None:
    page = form_page(
        "https://github.com/organizations/acme/settings/apps/new?state=a&b",
        {"name": 'x<y> "q"', "url": "https://example.com/?a=1&b=2"},
    )
    assert page == (
        "<!doctype html>\n"
        '<html><head><meta charset="utf-8"><title>mldebt setup</title></head>\n'
        '<body onload="document.forms[0].submit()">\n'
        '<form method="post" action="https://github.com/organizations/acme/settings/apps/new?state=a&amp;b">\n'
        '<input type="hidden" name="manifest" '
        'value="{&quot;name&quot;: &quot;x&lt;y&gt; \\&quot;q\\&quot;&quot;, '
        '&quot;url&quot;: &quot;https://example.com/?a=1&amp;b=2&quot;}">\n'
        "<p>Sending the mldebt App manifest to GitHub…</p>\n"
        '<button type="submit">Create the GitHub App</button>\n'
        "</form>\n"
        "</body></html>\n"
    )
