"""Read the fenced blocks of a Markdown page as the site renders them.

A small reader for exactly the Markdown the pages use: fences (```` ``` ````
or ``~~~``, at any indentation), the HTML-comment markers right before a
fence, and the containers a fence can sit in — content tabs (``=== "…"``,
pymdownx.tabbed) and admonitions (``!!!``/``???``, pymdownx.details),
whose content is indented by four spaces; each fence records the tabs and
the admonitions around it. ``<details>`` and other HTML are
transparent. Line numbers are the page's own (1-based), so every message can
name ``page.md:line``.

It reports what it cannot place, instead of ignoring it: a marker that is
not right before a fence, an include (``--8<--``) outside any fence, a fence
never closed. (pytest-codeblocks, whose marker syntax the pages use, reads
only top-level ```` ``` ```` fences and one output per block; the harness
needs per-version outputs, ``~~~`` fences and tab labels, hence this reader.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
MARKER = re.compile(r"^ *<!--(?P<body>.*?)-->\s*$")
COMMENT_START = re.compile(r"^ *<!--")
TAB = re.compile(r'^(?P<indent> *)===(?P<flags>[!+]*) +"(?P<label>[^"]*)" *$')
ADMONITION = re.compile(
    r'^(?P<indent> *)(?P<kind>!!!|\?\?\?\+?) +(?P<type>[\w-]+)(?: +"(?P<title>[^"]*)")? *$'
)
INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])(?P<target>[^"']+)\1""")


@dataclass(frozen=True)
class Tab:
    set_id: int  # which tab set (consecutive tabs at one indentation)
    label: str
    line: int


@dataclass(frozen=True)
class Admonition:
    kind: str  # "!!!" (always open), "???" (collapsed) or "???+" (collapsible, open)
    type: str  # "question", "success", "warning"…
    title: str | None  # None: Material shows the type as the title
    line: int


@dataclass(frozen=True)
class Marker:
    line: int
    body: str  # the comment's text, stripped: "pytest.mark.jupyter"


@dataclass
class Fence:
    line: int  # of the opening fence
    indent: int
    info: str  # what follows the backticks: 'python title="x.py"', '{ .text .no-copy }'
    body: str  # the lines between the fences, de-indented, each ending in "\n"
    end: int  # line of the closing fence
    markers: list[Marker] = field(default_factory=list)
    tabs: tuple[Tab, ...] = ()  # the content tabs around it, outermost first
    admonitions: tuple[Admonition, ...] = ()  # the admonitions around it, outermost first

    @property
    def language(self) -> str:
        return language(self.info)

    @property
    def includes(self) -> list[tuple[int, str]]:
        """``(line in the page, target)`` of each ``--8<--`` line in the body."""
        return [
            (self.line + n, m.group("target"))
            for n, text in enumerate(self.body.split("\n"), 1)
            if (m := INCLUDE.match(text))
        ]

    @property
    def title(self) -> str | None:
        found = re.search(r"""\btitle=(["'])(?P<title>[^"']*)\1""", self.info)
        return found.group("title") if found else None


@dataclass(frozen=True)
class Stray:
    line: int
    what: str  # "marker", "include", "unclosed", "comment"
    text: str


@dataclass
class Page:
    fences: list[Fence]
    strays: list[Stray]


def language(info: str) -> str:
    """``python title="x"`` → ``python``; ``{ .py .no-copy }`` → ``py``; ``""`` → ``""``."""
    words = info.strip().lstrip("{").replace("}", " ").split()
    if not words or "=" in words[0]:
        return ""
    return words[0].lstrip(".").lower()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def read(text: str) -> Page:
    lines = text.split("\n")
    fences: list[Fence] = []
    strays: list[Stray] = []
    markers: list[Marker] = []
    # Open containers: (content indentation, the tab or the admonition).
    containers: list[tuple[int, Tab | Admonition]] = []
    # The tab set open at each indentation: indent -> set id.
    tab_sets: dict[int, int] = {}
    next_set = 0
    i = 0

    def close_to(indent: int) -> None:
        while containers and containers[-1][0] > indent:
            containers.pop()
        for level in [k for k in tab_sets if k > indent]:
            del tab_sets[level]

    def unplaced_markers() -> None:
        strays.extend(Stray(m.line, "marker", f"<!--{m.body}-->") for m in markers)
        markers.clear()

    while i < len(lines):
        line = lines[i]
        number = i + 1
        if not line.strip():
            i += 1
            continue
        indent = _indent(line)
        close_to(indent)

        if tab := TAB.match(line):
            unplaced_markers()
            if "!" in tab.group("flags") or indent not in tab_sets:
                tab_sets[indent] = next_set
                next_set += 1
            containers.append((indent + 4, Tab(tab_sets[indent], tab.group("label"), number)))
            i += 1
            continue
        # Anything else that is not a tab's content ends the tab sets around it.
        for level in [k for k in tab_sets if k + 4 > indent]:
            del tab_sets[level]

        if admonition := ADMONITION.match(line):
            unplaced_markers()
            kind, type_, title = admonition.group("kind", "type", "title")
            containers.append((indent + 4, Admonition(kind, type_, title, number)))
            i += 1
            continue

        if marker := MARKER.match(line):
            markers.append(Marker(number, marker.group("body").strip()))
            i += 1
            continue

        if COMMENT_START.match(line):  # a comment over several lines: a note for maintainers
            unplaced_markers()
            while i < len(lines) and "-->" not in lines[i]:
                i += 1
            i += 1
            continue

        if fence := FENCE.match(line):
            ticks = fence.group("fence")
            end = i + 1
            while end < len(lines):
                closing = lines[end].strip()
                if closing and set(closing) == {ticks[0]} and len(closing) >= len(ticks):
                    break
                end += 1
            if end == len(lines):
                strays.append(Stray(number, "unclosed", line.strip()))
                break
            body = "".join(text[min(indent, _indent(text)) :] + "\n" for text in lines[i + 1 : end])
            around = [container for _, container in containers]
            fences.append(
                Fence(
                    number,
                    indent,
                    fence.group("info").strip(),
                    body,
                    end + 1,
                    markers,
                    tuple(c for c in around if isinstance(c, Tab)),
                    tuple(c for c in around if isinstance(c, Admonition)),
                )
            )
            markers = []
            i = end + 1
            continue

        unplaced_markers()
        if INCLUDE.match(line):
            strays.append(Stray(number, "include", line.strip()))
        i += 1

    unplaced_markers()
    return Page(fences, strays)


HEADING = re.compile(r"^ *(?P<level>#{1,6}) +(?P<text>.+?)(?: +#+)? *$")


def duplicate_headings(text: str, where: str) -> list[str]:
    """``where:line: …`` for each heading that repeats one above it on the page
    (outside fences; its ``{#id}`` aside): a reader, the table of contents and
    a link to it cannot tell the two apart."""
    fenced = {n for fence in read(text).fences for n in range(fence.line, fence.end + 1)}
    seen: dict[str, int] = {}
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        heading = HEADING.match(line)
        if number in fenced or not heading:
            continue
        title = re.sub(r"\s*\{[^}]*\}\s*$", "", heading.group("text")).strip()
        if title in seen:
            found.append(
                f"{where}:{number}: the heading {title!r} repeats the one at line {seen[title]}: "
                "headings are unique on a page; name what this section adds"
            )
        else:
            seen[title] = number
    return found
