"""Draw a trace (:mod:`tools.timeline.trace`) as an event-loop timeline:
an inline SVG and its text alternative, in the page's language.

One lane per task, in order of creation: a filled bar where the task runs, a
thin line where it is suspended (what it awaits written on it), hatching
where it is ready but the loop is held by a blocking call, a band across
every lane while that call holds the loop; a numbered tick for each printed
line with its text (the numbers are the lines of the output block above);
a circle where a task is created (a dotted link to the task that created
it), a dot where it returns, a cross where it is cancelled or fails, and a
dashed line where ``asyncio.run`` returns (or the Jupyter cell ends).

The SVG has no ``viewBox``: horizontal positions are percentages of its
width and text keeps its size, so the picture is as legible on a phone as
on a desktop, and fills whatever width it gets. Labels are laid out for the
narrowest width (:data:`NARROW`); a wider picture only spreads them apart.
Colours are Material's CSS variables, so light and dark schemes both work.
Pure Python, no run: the build draws every picture in milliseconds.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from pathlib import Path

NARROW = 300  # px: the narrowest the picture is drawn (a phone, inside a tab or an admonition)
WIDE = 1200  # px: the widest (Material's content column is narrower)
LEFT, RIGHT = 4.0, 96.0  # where 0 s and the end of the axis are, in % of the width
FONT = 12  # px
CHAR = 0.62  # the widest a character is, in em (monospace ~0.6)
GAP = 5  # px between a tick and its label, and between labels
ROW = 15  # px: one line of labels
LANE_TITLE = 17
BAR = 22  # px: the row of a lane's bar
BAR_H = 10
TOP = 4
AXIS = 26
CSS = Path(__file__).with_name("timeline.css")

TEXT = {
    "en": {
        "title": "Event-loop timeline of {file}, {form}",
        "script": "run as a script",
        "jupyter": "run as a Jupyter cell",
        "caption": (
            "Drawn from real runs of {file} ({form}) on the examples' clock: the same "
            "events on Python {pythons}. One lane per task; the numbers are the printed lines "
            "above."
        ),
        "events": "The events in order",
        "cell": "the cell (await main())",
        "s": "{} s",
        "legend_run": "runs",
        "legend_wait": "suspended at the await named next to it",
        "legend_late": "ready, but the loop is held",
        "legend_block": "holds the loop",
        "legend_create": "created",
        "legend_done": "returns",
        "legend_cancel": "cancelled or failed",
        "legend_raise": "an await raises an exception",
        "done_value": "returns {}",
        "cancelled": "cancelled",
        "cancelled_run": "cancelled by asyncio.run",
        "failed": "raises {}",
        "late": "due at {}: the loop is held",
        "block": "{}: holds the loop",
        "run_end": "asyncio.run returns",
        "cell_end": "the cell ends; the loop goes on",
        # The text alternative, one sentence per event.
        "e_create_run": "asyncio.run creates the task {name}.",
        "e_create_cell": "Jupyter runs the cell, in a task of its event loop.",
        "e_create": "{by} creates the task {name}.",
        "e_start": "{name} starts running.",
        "e_resume": "{name} resumes.",
        "e_resume_late": "{name} resumes, {late} late: its timer was due at {due}.",
        "e_throws": "{name} resumes: {awaited} raises {error}.",
        "e_suspend": "{name} is suspended at {awaited}{where}.",
        "e_where": " (in {function})",
        "e_waits_task": "; it waits for the task {other}",
        "e_waits_tasks": "; it waits for the tasks {others}",
        "e_print": "{name} prints “{text}” ({where}line {number} of the output).",
        "e_print_in": "in {function}, ",
        "e_block": "{name} calls {call}, which holds the loop until {end}: nothing else runs.",
        "e_done": "{name} returns{value}: the task is done.",
        "e_done_none": "{name} returns: the task is done.",
        "e_value": " {}",
        "e_cancelled": "The task {name} is cancelled.",
        "e_failed": "{name} raises {error}: the task has failed.",
        "e_cancel_pending": "{main} is done; asyncio.run cancels the pending task(s) {names}.",
        "e_run_end": "asyncio.run returns: the loop is closed.",
        "e_cell_end": "The cell finishes; Jupyter's event loop keeps running.",
        "e_idle": "No task of the cell is left.",
        "and": " and ",
    },
    "ru": {
        "title": "Работа цикла событий: {file}, {form}",
        "script": "запуск скриптом",
        "jupyter": "запуск в ячейке Jupyter",
        "caption": (
            "Построено по настоящим запускам {file} ({form}) на часах примеров; на Python "
            "{pythons} события одни и те же. У каждой задачи своя дорожка, номера — строки "
            "вывода выше."
        ),
        "events": "События по порядку",
        "cell": "ячейка (await main())",
        "s": "{} с",
        "legend_run": "выполняется",
        "legend_wait": "приостановлена на await, подписанном рядом",
        "legend_late": "готова, но цикл занят",
        "legend_block": "держит цикл",
        "legend_create": "создана",
        "legend_done": "завершена",
        "legend_cancel": "отменена или упала",
        "legend_raise": "await выбрасывает исключение",
        "done_value": "возвращает {}",
        "cancelled": "отменена",
        "cancelled_run": "отменена asyncio.run",
        "failed": "выбрасывает {}",
        "late": "таймер сработал в {}, но цикл занят",
        "block": "{}: цикл занят",
        "run_end": "asyncio.run возвращает управление",
        "cell_end": "ячейка выполнена; цикл работает дальше",
        "e_create_run": "asyncio.run создаёт задачу {name}.",
        "e_create_cell": "Jupyter выполняет ячейку в задаче своего цикла событий.",
        "e_create": "{by} создаёт задачу {name}.",
        "e_start": "{name} начинает выполняться.",
        "e_resume": "{name} продолжает выполняться.",
        "e_resume_late": (
            "{name} продолжает выполняться с опозданием на {late}: её таймер должен был "
            "сработать в {due}."
        ),
        "e_throws": "{name} продолжает выполняться: {awaited} выбрасывает {error}.",
        "e_suspend": "{name} приостанавливается на {awaited}{where}.",
        "e_where": " (в функции {function})",
        "e_waits_task": "; она ждёт задачу {other}",
        "e_waits_tasks": "; она ждёт задачи {others}",
        "e_print": "{name} печатает «{text}» ({where}строка {number} вывода).",
        "e_print_in": "в функции {function}, ",
        "e_block": (
            "{name} вызывает {call} и держит цикл событий до {end}: больше ничего не выполняется."
        ),
        "e_done": "{name} возвращает{value}: задача выполнена.",
        "e_done_none": "{name} завершается: задача выполнена.",
        "e_value": " {}",
        "e_cancelled": "Задача {name} отменена.",
        "e_failed": "{name} выбрасывает {error}: задача завершилась с ошибкой.",
        "e_cancel_pending": (
            "{main} завершилась; asyncio.run отменяет незавершённые задачи: {names}."
        ),
        "e_run_end": "asyncio.run возвращает управление: цикл событий закрыт.",
        "e_cell_end": "Ячейка выполнена; цикл событий Jupyter продолжает работать.",
        "e_idle": "Задач ячейки больше не осталось.",
        "and": " и ",
    },
}


def seconds(value: float, lang: str, decimals: int = 1) -> str:
    text = f"{value:.{decimals}f}"
    if lang == "ru":
        text = text.replace(".", ",")
    return TEXT[lang]["s"].format(text)


# --- the trace as lanes --------------------------------------------------------------


@dataclass
class Segment:
    start: float
    end: float
    kind: str  # "run", "wait", "late", "block"
    label: str = ""


@dataclass
class Mark:
    t: float
    kind: str  # "print", "create", "done", "cancelled", "failed", "throws", "late", "block"
    text: str = ""
    number: int | None = None  # a printed line's number in the output


@dataclass
class Lane:
    lane: int
    name: str
    by: int | None
    created: float
    segments: list[Segment] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    end: float | None = None
    # while drawing: what it does since when
    state: str = "ready"
    since: float = 0.0
    label: str = ""


@dataclass
class Timeline:
    lanes: list[Lane]
    bands: list[Segment]  # the loop held by a blocking call
    lines: list[Mark]  # asyncio.run returns, the cell ends
    end: float
    form: str


def _name(event: dict, lang: str) -> str:
    return TEXT[lang]["cell"] if event["name"] == "cell" else event["name"]


def timeline(trace: dict, lang: str) -> Timeline:
    words = TEXT[lang]
    lanes: dict[int, Lane] = {}
    bands: list[Segment] = []
    lines: list[Mark] = []
    cancelled_by_run: set[int] = set()
    printed = 0
    end = 0.0
    for event in trace["events"]:
        t = event["t"]
        end = max(end, t, event.get("end", 0.0))
        kind = event["kind"]
        lane = lanes.get(event.get("lane"))
        if kind == "create":
            lane = lanes[event["lane"]] = Lane(event["lane"], _name(event, lang), event["by"], t)
            lane.since = t
            lane.marks.append(Mark(t, "create"))
        elif kind == "resume" and lane is not None:
            if lane.state == "wait":
                due = event.get("due")
                lane.segments.append(
                    Segment(lane.since, due if due is not None else t, "wait", lane.label)
                )
                if due is not None:
                    lane.segments.append(Segment(due, t, "late"))
                    lane.marks.append(Mark(due, "late", words["late"].format(seconds(due, lang))))
            lane.state, lane.since = "run", t
            if "throws" in event:
                lane.marks.append(Mark(t, "throws", event["throws"]))
        elif kind == "suspend" and lane is not None:
            lane.segments.append(Segment(lane.since, t, "run"))
            chain = event.get("await") or [["", 0, ""]]
            label = chain[-1][2]
            if chain[-1][0] != chain[0][0]:  # in a coroutine it awaits: say which
                label = f"{chain[-1][0]}(): {label}"
            lane.state, lane.since, lane.label = "wait", t, label
        elif kind == "block" and lane is not None:
            call = event["call"]
            lane.segments.append(Segment(t, event["end"], "block", call))
            lane.marks.append(Mark(t, "block", words["block"].format(call)))
            bands.append(Segment(t, event["end"], "block", call))
        elif kind == "print":
            printed += 1
            target = lane or (lanes[min(lanes)] if lanes else None)
            if target is not None:
                target.marks.append(Mark(t, "print", event["text"], printed))
        elif kind == "finish" and lane is not None:
            lane.segments.append(Segment(lane.since, t, "run"))
            lane.state, lane.end = "over", t
            state = event["state"]
            if state == "done":
                value = event.get("result", "None")
                text = "" if value == "None" else words["done_value"].format(value)
            elif state == "cancelled":
                text = words["cancelled_run" if lane.lane in cancelled_by_run else "cancelled"]
            else:
                text = words["failed"].format(event.get("error", ""))
            lane.marks.append(Mark(t, state, text))
        elif kind == "cancel-pending":
            cancelled_by_run.update(event["lanes"])
        elif kind == "run-end":
            lines.append(Mark(t, "end", words["run_end"]))
        elif kind == "cell-end":
            lines.append(Mark(t, "end", words["cell_end"]))
    for lane in lanes.values():  # still suspended when the trace ends
        if lane.state == "wait":
            lane.segments.append(Segment(lane.since, end, "wait", lane.label))
        elif lane.state in ("run", "ready"):
            lane.segments.append(Segment(lane.since, end, lane.state))
    return Timeline(list(lanes.values()), bands, lines, end, trace["form"])


# --- layout ----------------------------------------------------------------------------


def _axis(end: float) -> tuple[float, float]:
    """(the axis' length, the step between its ticks), in seconds: whole steps."""
    step = 0.5 if end <= 2 else 1.0 if end <= 8 else 2.0
    return max(1.0, math.ceil(end / step - 1e-9) * step), step


class Scale:
    def __init__(self, span: float):
        self.span = span

    def pct(self, t: float) -> float:
        return LEFT + (RIGHT - LEFT) * t / self.span

    def px(self, t: float, width: float = 0) -> float:
        """Where ``t`` is on a picture ``width`` px wide (the narrowest by default)."""
        return self.pct(t) / 100 * (width or NARROW)


def width(text: str, size: int = FONT) -> float:
    return len(text) * size * CHAR


@dataclass
class Label:
    """A text under a bar (or above the lanes), its tick at ``pct`` %."""

    pct: float
    lines: list[str]
    css: str
    number: int | None = None  # a printed line's number, drawn before it
    size: int = FONT
    anchor: str = "start"  # text starts right of the tick; "end": ends left of it;
    shift: float = 0.0  # "shift": starts this many px left of the tick (a long label)
    row: int = 0

    @property
    def prefix(self) -> float:
        return width(f"{self.number} ", self.size) if self.number is not None else 0.0

    @property
    def text_width(self) -> float:
        return self.prefix + max(width(line, self.size) for line in self.lines)

    def x(self, at: float = NARROW) -> float:
        return self.pct / 100 * at

    def span(self, at: float = NARROW) -> tuple[float, float]:
        """Where the text is, in px, on a picture ``at`` px wide."""
        x = self.x(at)
        if self.anchor == "start":
            return x + GAP, x + GAP + self.text_width
        if self.anchor == "end":
            return x - GAP - self.text_width, x - GAP
        return x - self.shift, x - self.shift + self.text_width


def _wrap(text: str, room: float, size: int = FONT) -> list[str]:
    """``text`` in lines of at most ``room`` px, broken at spaces (or anywhere)."""
    most = max(8, int(room / (size * CHAR)))
    lines, line = [], ""
    for word in text.split(" "):
        while len(word) > most:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:most])
            word = word[most:]
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= most:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def _apart(a: Label, b: Label) -> bool:
    """``a`` and ``b`` do not overlap at any width from NARROW to WIDE (the
    positions are linear in the width: checking both ends is enough)."""
    for at in (NARROW, WIDE):
        (a_lo, a_hi), (b_lo, b_hi) = a.span(at), b.span(at)
        if not (a_hi + GAP <= b_lo or b_hi + GAP <= a_lo):
            return False
    # the same order at both ends, or they cross in between
    return (a.span(NARROW)[0] < b.span(NARROW)[0]) == (a.span(WIDE)[0] < b.span(WIDE)[0])


def _covers(label: Label, other: Label) -> bool:
    """Whether ``label``'s text covers ``other``'s tick at some width."""
    return any(
        label.span(at)[0] - 2 <= other.x(at) <= label.span(at)[1] + 2 for at in (NARROW, WIDE)
    )


def _row(label: Label, placed: list[Label]) -> int:
    """The first row where ``label`` overlaps no other label and crosses no
    other label with its tick (nor covers the tick of a label below it); if
    every free row crosses one, the first free row (text has a halo, so a
    tick behind it does not hide it)."""
    height = len(label.lines)

    def free(row: int) -> bool:
        return all(
            _apart(label, other)
            for other in placed
            if other.row < row + height and row < other.row + len(other.lines)
        )

    def clear(row: int) -> bool:
        return not any(
            (other.row < row and _covers(other, label))
            or (other.row >= row + height and _covers(label, other))
            for other in placed
        )

    last = max((other.row + len(other.lines) for other in placed), default=0)
    rows = range(last + 1)
    best = next((r for r in rows if free(r) and clear(r)), None)
    return best if best is not None else next(r for r in rows if free(r))


def _anchor(label: Label) -> None:
    """Right of its tick if it fits there on the narrowest picture, else left
    of it, else across it, wrapped if it is wider than the picture."""
    x = label.x()
    if label.text_width <= NARROW - 2 - x - GAP:
        label.anchor = "start"
    elif label.text_width <= x - GAP - 2:
        label.anchor = "end"
    else:
        if label.text_width > NARROW - 4:
            label.lines = [
                part
                for line in label.lines
                for part in _wrap(line, NARROW - 4 - label.prefix, label.size)
            ]
        label.anchor = "shift"
        label.shift = max(0.0, x + label.text_width - (NARROW - 2))


def _place(labels: list[Label]) -> int:
    """Lay the labels out in rows (see :func:`_row`); the number of rows."""
    placed: list[Label] = []
    for label in labels:
        _anchor(label)
        label.row = _row(label, placed)
        placed.append(label)
    return max((label.row + len(label.lines) for label in placed), default=0)


# --- SVG -------------------------------------------------------------------------------


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _f(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


CROSS = "M-4.5,-4.5 4.5,4.5M-4.5,4.5 4.5,-4.5"  # cancelled or failed
RAISE = "M-4.5,-8H4.5L0,-1z"  # an arrow down onto the bar: the await raised


def _marker(x: str, y: float, path: str, css: str, dx: float = 0) -> str:
    """A shape drawn in px around (``x`` %, ``y`` px): a nested <svg> placed
    by percentage (not <use href>, which Material's script tries to rewrite)."""
    shift = f' transform="translate({_f(dx)} 0)"' if dx else ""
    return f'<svg x="{x}%" y="{_f(y)}" overflow="visible"><path class="{css}" d="{path}"{shift}/></svg>'


def _when(seg: Segment) -> str:
    """When a bar starts and ends, in seconds (for tests and tools that read the SVG)."""
    return f'data-t="{_f(seg.start)}-{_f(seg.end)}"'


def _label_svg(label: Label, y0: float, tick_from: float | None) -> list[str]:
    out = []
    baseline = y0 + label.row * ROW + 11
    if tick_from is not None:
        bottom = baseline + 3 + ROW * (len(label.lines) - 1)
        out.append(
            f'<line class="tl-tick" x1="{_f(label.pct)}%" x2="{_f(label.pct)}%" '
            f'y1="{_f(tick_from)}" y2="{_f(bottom)}"/>'
        )
    dx = {"start": GAP, "end": -GAP, "shift": -label.shift}[label.anchor]
    anchor = ' text-anchor="end"' if label.anchor == "end" else ""
    for i, line in enumerate(label.lines):
        number = ""
        if label.number is not None:
            hidden = "" if i == 0 else ' visibility="hidden"'
            number = f'<tspan class="tl-n"{hidden}>{label.number}</tspan> '
        out.append(
            f'<text class="{label.css}" x="{_f(label.pct)}%" y="{_f(baseline + i * ROW)}" '
            f'transform="translate({_f(dx)} 0)"{anchor}>{number}{_esc(line)}</text>'
        )
    return out


# Which labels get the first rows: printed lines, then what happened, then awaits.
PRIORITY = {"tl-print": 0, "tl-alert": 1, "tl-note": 1, "tl-await": 2}


def _lane_svg(lane: Lane, scale: Scale, y: float, ident: str) -> tuple[list[str], float, float]:
    """A lane's title, bar and labels from ``y`` down: (SVG, the bar's middle, the lane's end)."""
    out = [f'<text class="tl-lane" x="{_f(LEFT)}%" y="{_f(y + 12)}">{_esc(lane.name)}</text>']
    y += LANE_TITLE
    mid = y + BAR / 2
    top = mid - BAR_H / 2
    labels: list[Label] = []
    shown_waits: set[str] = set()
    order = {"wait": 0, "late": 1, "run": 2, "block": 3}  # a blocking call over its step
    for seg in sorted(lane.segments, key=lambda seg: order.get(seg.kind, 0)):
        x1, x2 = scale.pct(seg.start), scale.pct(seg.end)
        if seg.kind == "wait":
            out.append(
                f'<line class="tl-wait" {_when(seg)} x1="{_f(x1)}%" x2="{_f(x2)}%" '
                f'y1="{_f(mid)}" y2="{_f(mid)}"/>'
            )
            room = scale.px(seg.end) - scale.px(seg.start) - 2 * GAP
            if seg.label and width(seg.label, FONT - 1) <= room:  # on the line itself
                out.append(
                    f'<text class="tl-await" x="{_f(x1)}%" y="{_f(mid - 4)}" '
                    f'transform="translate({GAP} 0)">{_esc(seg.label)}</text>'
                )
            elif seg.label and seg.label not in shown_waits:
                labels.append(Label(x1, [seg.label], "tl-await", size=FONT - 1))
            shown_waits.add(seg.label)
        elif seg.kind == "late":
            out.append(
                f'<rect class="tl-late" x="{_f(x1)}%" width="{_f(x2 - x1)}%" y="{_f(top)}" '
                f'height="{BAR_H}" fill="url(#{ident}-late)"/>'
            )
        elif seg.kind in ("run", "block"):
            css = "tl-block" if seg.kind == "block" else "tl-run"
            if scale.px(seg.end) - scale.px(seg.start) >= 4:
                size = f'width="{_f(x2 - x1)}%"'
            else:  # a step that takes no visible time: a sliver you can see
                size = 'width="4" transform="translate(-2 0)"'
            out.append(
                f'<rect class="{css}" {_when(seg)} x="{_f(x1)}%" {size} y="{_f(top)}" '
                f'height="{BAR_H}"/>'
            )
    for mark in lane.marks:
        x = _f(scale.pct(mark.t))
        if mark.kind == "create":  # just before the lane starts
            out.append(
                f'<circle class="tl-create" cx="{x}%" cy="{_f(mid)}" r="3.5" '
                'transform="translate(-6 0)"/>'
            )
            continue
        if mark.kind == "done":  # just after it ends
            out.append(
                f'<circle class="tl-done" cx="{x}%" cy="{_f(mid)}" r="4" '
                'transform="translate(6 0)"/>'
            )
        elif mark.kind in ("cancelled", "failed"):
            out.append(_marker(x, mid, CROSS, "tl-cross", 7))
        elif mark.kind == "throws":  # an arrow down onto the bar: the await raised
            out.append(_marker(x, top, RAISE, "tl-raise"))
        if not mark.text:
            continue
        css = (
            "tl-print" if mark.kind == "print" else "tl-note" if mark.kind == "done" else "tl-alert"
        )
        labels.append(Label(scale.pct(mark.t), [mark.text], css, mark.number))
    labels.sort(key=lambda label: PRIORITY[label.css])
    y += BAR
    rows = _place(labels)
    for label in labels:
        out += _label_svg(label, y, mid + BAR_H / 2 + 1)
    return out, mid, y + rows * ROW + 8


def svg(trace: dict, lang: str, ident: str, style: bool = True) -> str:
    """The picture, with ``<title>`` and ``aria-describedby`` pointing at the
    event list (``{ident}-events``, see :func:`figure`)."""
    words = TEXT[lang]
    line = timeline(trace, lang)
    span, step = _axis(line.end)
    scale = Scale(span)
    body: list[str] = []

    # The dashed lines (asyncio.run returns, the cell ends): their labels on top.
    tops = [Label(scale.pct(m.t), [m.text], "tl-note") for m in line.lines]
    top_rows = _place(tops)
    lanes_top = TOP + top_rows * ROW + (4 if top_rows else 0)

    y = lanes_top
    bar_y: dict[int, float] = {}
    lanes: list[str] = []
    for lane in line.lanes:
        parts, bar_y[lane.lane], y = _lane_svg(lane, scale, y, ident)
        lanes += parts
    lanes_bottom = y

    # The loop held by a blocking call: a band across every lane.
    for band in line.bands:
        x1, x2 = scale.pct(band.start), scale.pct(band.end)
        body.append(
            f'<rect class="tl-band" x="{_f(x1)}%" width="{_f(x2 - x1)}%" '
            f'y="{_f(lanes_top)}" height="{_f(lanes_bottom - lanes_top)}"/>'
        )
    # Who created whom: a dotted link from the creator's bar down to the new lane.
    for lane in line.lanes:
        if lane.by in bar_y:
            x = _f(scale.pct(lane.created))
            body.append(
                f'<line class="tl-link" x1="{x}%" x2="{x}%" y1="{_f(bar_y[lane.by] + BAR_H / 2)}" '
                f'y2="{_f(bar_y[lane.lane] - BAR_H / 2)}" transform="translate(-6 0)"/>'
            )
    for label in tops:
        body += _label_svg(label, TOP, None)
        x = _f(label.pct)
        body.append(
            f'<line class="tl-end" x1="{x}%" x2="{x}%" y1="{_f(TOP + label.row * ROW + 14)}" '
            f'y2="{_f(lanes_bottom)}"/>'
        )
    body += lanes

    # The time axis.
    axis_y = lanes_bottom + 2
    body.append(
        f'<line class="tl-axis" x1="{_f(LEFT)}%" x2="{_f(RIGHT)}%" '
        f'y1="{_f(axis_y)}" y2="{_f(axis_y)}"/>'
    )
    ticks = round(span / step)
    for i in range(ticks + 1):
        x = _f(scale.pct(i * step))
        anchor = "" if i == 0 else ' text-anchor="end"' if i == ticks else ' text-anchor="middle"'
        shift = ' transform="translate(-3 0)"' if i == 0 else ""
        body.append(
            f'<line class="tl-axis" x1="{x}%" x2="{x}%" y1="{_f(axis_y)}" y2="{_f(axis_y + 4)}"/>'
            f'<text class="tl-time" x="{x}%" y="{_f(axis_y + 17)}"{anchor}{shift}>'
            f"{_esc(seconds(i * step, lang, 0 if step >= 1 else 1))}</text>"
        )
    height = axis_y + AXIS - 4

    title = words["title"].format(file=Path(trace["snippet"]).name, form=words[trace["form"]])
    defs = (
        f'<defs><pattern id="{ident}-late" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line class="tl-hatch" x1="0" y1="0" x2="0" y2="6"/>'
        "</pattern></defs>"
    )
    css = f"<style>{CSS.read_text(encoding='utf-8').strip()}</style>" if style else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tl-svg" width="100%" '
        f'height="{_f(height)}" role="img" aria-labelledby="{ident}-title" '
        f'aria-describedby="{ident}-events">'
        f'<title id="{ident}-title">{_esc(title)}</title>{css}{defs}' + "".join(body) + "</svg>"
    )


# --- the text alternative ----------------------------------------------------------------


def _code(text: str) -> str:
    return f"<code>{_esc(text)}</code>"


def events(trace: dict, lang: str) -> list[str]:
    """Every event, in order, as a sentence (HTML) with its time."""
    words = TEXT[lang]
    names: dict[int, str] = {}
    started: set[int] = set()
    waiting: dict[int, str] = {}
    printed = 0
    out = []

    def say(t: float, key: str, **values) -> None:
        out.append(f"{_esc(seconds(t, lang))}: " + words[key].format(**values))

    for event in trace["events"]:
        t, kind, lane = event["t"], event["kind"], event.get("lane")
        name = _code(names.get(lane, "")) if lane in names else ""
        if kind == "create":
            names[lane] = _name(event, lang)
            new = _code(names[lane])
            if event["name"] == "cell":
                say(t, "e_create_cell")
            elif event["by"] is None:
                say(t, "e_create_run", name=new)
            else:
                say(t, "e_create", by=_code(names[event["by"]]), name=new)
        elif kind == "resume":
            if "throws" in event:
                say(
                    t,
                    "e_throws",
                    name=name,
                    awaited=_code(waiting.get(lane, "await")),
                    error=_code(event["throws"]),
                )
            elif "due" in event:
                say(
                    t,
                    "e_resume_late",
                    name=name,
                    late=_esc(seconds(t - event["due"], lang)),
                    due=_esc(seconds(event["due"], lang)),
                )
            else:
                say(t, "e_resume" if lane in started else "e_start", name=name)
            started.add(lane)
        elif kind == "suspend":
            chain = event.get("await") or [["", 0, "await"]]
            function, _, awaited = chain[-1]
            waiting[lane] = awaited
            where = ""
            if function and not names[lane].startswith(function + "(") and function != "<module>":
                where = words["e_where"].format(function=_code(function + "()"))
            if "task" in event:
                where += words["e_waits_task"].format(other=_code(names[event["task"]]))
            elif "tasks" in event:
                others = ", ".join(_code(names[n]) for n in event["tasks"])
                where += words["e_waits_tasks"].format(others=others)
            say(t, "e_suspend", name=name, awaited=_code(awaited), where=where)
        elif kind == "print":
            function = event.get("function")
            where = ""
            if (
                lane in names
                and function
                and function != "<module>"
                and not names[lane].startswith(function + "(")
            ):
                where = words["e_print_in"].format(function=_code(function + "()"))
            printed += 1
            who = name or _code("print")
            say(t, "e_print", name=who, text=_esc(event["text"]), where=where, number=printed)
        elif kind == "block":
            say(
                t,
                "e_block",
                name=name,
                call=_code(event["call"]),
                end=_esc(seconds(event["end"], lang)),
            )
        elif kind == "finish":
            state = event["state"]
            if state == "done":
                value = event.get("result", "None")
                if value == "None":
                    say(t, "e_done_none", name=name)
                else:
                    say(t, "e_done", name=name, value=words["e_value"].format(_code(value)))
            elif state == "cancelled":
                say(t, "e_cancelled", name=name)
            else:
                say(t, "e_failed", name=name, error=_code(event.get("error", "")))
        elif kind == "cancel-pending":
            others = ", ".join(_code(names[n]) for n in event["lanes"])
            say(t, "e_cancel_pending", main=_code(names[min(names)]), names=others)
        elif kind == "run-end":
            say(t, "e_run_end")
        elif kind == "cell-end":
            say(t, "e_cell_end")
        elif kind == "idle":
            say(t, "e_idle")

    return out


def _legend(trace: dict, lang: str, ident: str) -> str:
    words = TEXT[lang]
    kinds = {e["kind"] for e in trace["events"]}
    states = {e.get("state") for e in trace["events"] if e["kind"] == "finish"}
    swatches = [
        ("tl-k-run", "legend_run", True),
        ("tl-k-wait", "legend_wait", "suspend" in kinds),
        ("tl-k-late", "legend_late", any("due" in e for e in trace["events"])),
        ("tl-k-block", "legend_block", "block" in kinds),
        ("tl-k-create", "legend_create", True),
        ("tl-k-done", "legend_done", "done" in states),
        ("tl-k-x", "legend_cancel", bool(states & {"cancelled", "failed"})),
        ("tl-k-raise", "legend_raise", any("throws" in e for e in trace["events"])),
    ]
    items = "".join(
        f'<li class="{css}">{_esc(words[key])}</li>' for css, key, shown in swatches if shown
    )
    return f'<ul class="tl-legend">{items}</ul>'


def _enumerate(items: list[str], lang: str) -> str:
    """``3.11, 3.12 and 3.13``."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + TEXT[lang]["and"] + items[-1]


def figure(trace: dict, lang: str, ident: str, style: bool = True, note: str = "") -> str:
    """The whole figure: the picture, a caption with its legend, and the
    events in order (the picture's long description) in a collapsible list."""
    words = TEXT[lang]
    form = words[trace["form"]]
    caption = words["caption"].format(
        file=f"<code>{_esc(Path(trace['snippet']).name)}</code>",
        form=form,
        pythons=_esc(_enumerate(trace["python"], lang)),
    )
    items = "".join(f"<li>{sentence}</li>" for sentence in events(trace, lang))
    picture = svg(trace, lang, ident, style)
    height = float(picture.split('height="', 1)[1].split('"', 1)[0])
    notice = f'<p class="tl-stale">{_esc(note)}</p>' if note else ""
    return (
        f'<figure class="tl" id="{ident}" data-search-exclude '
        # Drawn only when scrolled to (content-visibility), and until then as tall as it is.
        f'style="contain-intrinsic-size:auto {_f(height + 150)}px">'
        + picture
        + f"<figcaption>{notice}{caption}{_legend(trace, lang, ident)}"
        + f'<details class="tl-events"><summary>{_esc(words["events"])}</summary>'
        + f'<ol id="{ident}-events">{items}</ol></details></figcaption></figure>'
    )
