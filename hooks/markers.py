"""Harness markers leave the page before Markdown sees it.

The example harness reads instructions from HTML comment lines in the pages:
``<!--pytest-codeblocks:expected-output-->`` above an output block,
``<!--pytest.mark.jupyter-->`` above a Jupyter cell, ``<!--example: …-->``.
They are for the tests, not for readers, and Python-Markdown keeps a comment
that is not a block of its own: inside a content tab it wraps the marker in a
``<p>`` that the next fence closes early, leaving a stray ``</p>`` (invalid
HTML). This hook removes every such line, outside code fences, from the
Markdown before it is rendered; the harness reads the source files, not the
site, so it still sees them.
"""

from __future__ import annotations

import re

# An HTML comment alone on its line (indented or not) whose text starts with
# one of the harness's prefixes.
MARKER = re.compile(r"^[ \t]*<!--\s*(?:pytest-codeblocks:|pytest\.mark\.|example:).*?-->[ \t]*$")
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")


def strip_markers(markdown: str) -> str:
    """``markdown`` without its harness marker lines (code fences left as they are)."""
    out: list[str] = []
    fence: str | None = None  # the opening fence while inside a code block
    for line in markdown.splitlines(keepends=True):
        found = FENCE.match(line)
        if fence is None:
            if found:
                fence = found.group("fence")
            elif MARKER.match(line):
                continue
        elif found and closes(found.group("fence"), fence, line):
            fence = None
        out.append(line)
    return "".join(out)


def closes(marks: str, fence: str, line: str) -> bool:
    """Whether a line starting with ``marks`` closes a block opened by ``fence``:
    the same character, at least as many, and nothing after them."""
    return marks[0] == fence[0] and len(marks) >= len(fence) and not line.strip().lstrip(fence[0])


def on_page_markdown(markdown, page, config, files):
    return strip_markers(markdown)
