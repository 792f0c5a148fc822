"""Built pages without the templates' indentation.

Material's templates and this site's overrides are indented for their
authors: between two tags of a built page there are often a newline and a
dozen spaces. Such a gap is written as a single newline, which the browser treats as the same whitespace. Nothing in
``<pre>``, ``<textarea>``, ``<script>`` or ``<style>`` is touched (there
whitespace is content), nor any gap without a newline (spacing between
inline elements that the page shows).
"""

from __future__ import annotations

import re

KEPT = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
# One scan, left to right: a kept element is matched whole, so no gap inside
# it is ever seen; a gap only looks at the tags on either side (without taking
# them), so it may end where a kept element starts.
TOKEN = re.compile(
    r"(?P<kept><(?P<tag>pre|textarea|script|style)\b.*?</(?P=tag)\s*>)"
    r"|(?<=>)[ \t\r\n]*\n[ \t\r\n]*(?=<)",
    re.DOTALL | re.IGNORECASE,
)


def compact(html: str) -> str:
    return TOKEN.sub(lambda match: match["kept"] or "\n", html)


def on_post_page(output, page, config):
    return compact(output)


def on_post_template(output_content, template_name, config):
    return compact(output_content) if template_name.endswith(".html") else output_content
