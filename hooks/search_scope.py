"""What the search index holds: the prose, headings and outputs, not the programs.

Material's search loads the whole index on every page, so the index is part of
what every page costs a reader (at about 100 kB per page, the index was a
third of it). A program's text (``import asyncio``, ``async def main():``…)
is the same on many pages and finds nothing a reader looks for that the prose
around it does not name. The lesson pages' copyable code blocks (scripts,
Jupyter cells, shell commands) are marked ``data-search-exclude``, which
Material's search plugin skips. Outputs stay in the index: a reader pastes
the message Python printed, and the common-mistakes page must be found by it.
The notebook page, the whole lesson on one page, keeps its code cells in the
index, so a name that only appears in code still finds the lesson's code.
"""

from __future__ import annotations

# Material's code block: <div class="highlight"> (copyable) or <div class="no-copy
# highlight"> (outputs, >>> transcripts). The notebook's cells are not Material's.
PROGRAM = '<div class="highlight">'


def exclude_programs(html: str) -> str:
    return html.replace(PROGRAM, '<div class="highlight" data-search-exclude>')


def on_page_content(html, page, config, files):
    return exclude_programs(html)
