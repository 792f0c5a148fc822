"""Nothing a built page shows escapes the harness.

Every ``<pre>`` of a page's article in the built site must be a fence that
:mod:`tools.examples.blocks` reads (an example, an output, a command, a text
marked as not an output), and every fence it reads must be shown; an
indented code block, a ``<pre>`` written as HTML, or a fence another
Markdown reader sees differently would otherwise show code or output that
nothing checks.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from tools.examples import blocks
from tools.examples.pages import Site, fence_kind


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


# A block a hook writes from data that its own test checks (the measured
# page's report: tests/test_bench_concurrency.py), not an example's output.
DATA_BLOCK = "data-report"


def shown_blocks(page_html: str) -> list[str]:
    """The text of every <pre> of a built page's article, in order (but a data block)."""
    article = page_html[page_html.find("<article") : page_html.rfind("</article>")]
    found = re.findall(
        r'(?:<div class="([^"]*)">(?:<span class="filename">.*?</span>)?)?<pre\b[^>]*>(.*?)</pre>',
        article,
        flags=re.DOTALL,
    )
    return [
        _normal(html.unescape(re.sub(r"<[^>]+>", "", text)))
        for classes, text in found
        if DATA_BLOCK not in classes.split()
    ]


def built_page(site: Site, page: Path, site_dir: Path) -> Path:
    """Where the build writes a page of ``site`` (``site_dir``: that language's own)."""
    relative = page.relative_to(site.docs_dir).with_suffix("")
    path = relative.parent if relative.name == "index" else relative
    return site_dir / path / "index.html"


def unread_blocks(site: Site, page: Path, page_html: str, where: str) -> list[str]:
    shown = shown_blocks(page_html)
    fences = [
        f
        for f in blocks.read(page.read_text(encoding="utf-8")).fences
        if fence_kind(f.language) != "picture"  # drawn by the build, not shown as code
    ]
    read = [_normal(site.expand(f.body.rstrip("\n"))) for f in fences]
    problems = [
        f"{where}: the built page shows a code block the harness does not read (an indented "
        f"code block, or HTML?): {block.splitlines()[0] if block else ''!r}; write it as a "
        "``` fence, so that it is run or compared (or marked <!--example:not-output-->)"
        for block in shown
        if block not in read
    ]
    problems += [
        f"{where}: a fence the harness reads is not shown as code on the built page: "
        f"{block.splitlines()[0] if block else ''!r}"
        for block in read
        if block not in shown
    ]
    return problems
