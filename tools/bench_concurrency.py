"""Threads or asyncio, measured (a benchmark, not a test): ``make bench-concurrency``.

Runs the page's own benchmark, ``snippets/measured/threads_vs_asyncio.py``,
``--runs`` times (5 by default) one after another. Each run measures every
configuration in a fresh process of its own, so each figure comes from that
many separate processes. The machine is shared: before each run the tool
waits (``--wait``, 10 minutes at most) until other processes use at most
``--quiet`` (15 %) of the CPUs, and it records how much they used during it,
where that can be measured (:class:`CpuMeter`).

Then it writes :data:`DATA` (``docs/en/measured/threads_vs_asyncio.json``):
for each figure the median, min and max and every run's value, every run's
report as printed, and the machine (CPU, Python, OS, ``ulimit -s``, date,
load and other work); and draws the charts from that file, for every language
and both colour schemes, into ``docs/<lang>/measured/`` (:func:`draw`; also
``--draw`` alone, from the committed file).

The page (``docs/<lang>/measured.md``) shows the charts, and ``hooks/measured.py``
writes its table and machine description from the same file at build time.
``tests/test_bench_concurrency.py`` redraws the charts from the committed data
and compares them byte for byte.

    python -m tools.bench_concurrency [--runs 5] [--python PATH] [--quiet 0.15]
    python -m tools.bench_concurrency --draw
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hooks.russian import plural
from tools.site import ROOT, configs

SNIPPET = ROOT / "snippets" / "measured" / "threads_vs_asyncio.py"
DATA = ROOT / "docs" / "en" / "measured" / "threads_vs_asyncio.json"
CHART_DIR = "measured"  # inside each language's docs_dir
SIZES = (100, 1000, 10000)
RUNS = 5

# The snippet's report, as parsed here (tests/test_bench_concurrency.py runs
# the snippet and checks that this still reads what it prints).
MACHINE_LINE = re.compile(
    r"^Python (?P<python>\S+) \((?P<implementation>\w+)\), (?P<os>.+), "
    r"(?P<cpus>\d+) CPUs, ulimit -s (?P<stack>.+)$"
)
WAITING_LINE = re.compile(r"^Waiting: N units each wait (?P<wait>[\d.]+) s\b")
COMPUTING_LINE = re.compile(r"^Computing: (?P<jobs>\d+) jobs of (?P<steps>\d+) steps\b")
ROW = re.compile(r"^\s*(?P<n>\d+)  (?P<name>[a-z][a-z ]*?)\s+(?P<cells>(?:\s*(?:-|\d+\.\d+))+)$")
# Report names -> the data file's keys.
WORKLOADS = {"threads": "threads", "thread pool": "pool", "asyncio tasks": "tasks"}
DEFAULT_POOL = "default pool"
COMPUTING = {"sequential": "sequential", "threads": "threads", "asyncio tasks": "tasks"}
FIGURES = ("wall_s", "create_us", "rss_kib", "virt_kib")  # the report's columns, in order


class ReportError(ValueError):
    """The snippet printed something this tool cannot read."""


def parse(report: str) -> dict:
    """One run's report -> ``{"machine": …, "wait_s", "jobs", "steps",
    "waiting": {(workload, n): {figure: value}}, "computing": {workload: wall_s}}``."""
    lines = report.splitlines()
    if not lines or not (machine := MACHINE_LINE.match(lines[0])):
        raise ReportError(f"the first line is not the machine line: {lines[:1]!r}")
    parsed: dict = {"machine": machine.groupdict(), "waiting": {}, "computing": {}}
    section = None
    for number, line in enumerate(lines[1:], 2):
        if waiting := WAITING_LINE.match(line):
            section, parsed["wait_s"] = "waiting", float(waiting["wait"])
        elif computing := COMPUTING_LINE.match(line):
            section = "computing"
            parsed["jobs"], parsed["steps"] = int(computing["jobs"]), int(computing["steps"])
        elif row := ROW.match(line):
            cells = [None if c == "-" else float(c) for c in row["cells"].split()]
            name, n = row["name"], int(row["n"])
            if section == "waiting" and (name in WORKLOADS or name == DEFAULT_POOL):
                key = WORKLOADS.get(name, "default_pool")
                if len(cells) != len(FIGURES):
                    raise ReportError(f"line {number}: {len(cells)} figures, not 4: {line!r}")
                parsed["waiting"][key, n] = dict(zip(FIGURES, cells, strict=True))
            elif section == "computing" and name in COMPUTING and len(cells) == 1:
                parsed["computing"][COMPUTING[name]] = cells[0]
            else:
                raise ReportError(f"line {number}: an unknown row {line!r}")
    if "wait_s" not in parsed or "steps" not in parsed:
        raise ReportError("no 'Waiting:' or no 'Computing:' section")
    sizes = sorted({n for _, n in parsed["waiting"]})
    expected = [(w, n) for n in sizes for w in WORKLOADS.values()] + [("default_pool", sizes[0])]
    missing = [f"{w} N={n}" for w, n in expected if (w, n) not in parsed["waiting"]]
    missing += [w for w in COMPUTING.values() if w not in parsed["computing"]]
    if missing:
        raise ReportError(f"no row for {', '.join(missing)}")
    return parsed


# asyncio's debug mode (``-X dev``) reports a step that ran longer than
# 0.1 s of wall-clock time; on a busy machine a tiny step can, without any
# fault in the code. That line is a measurement, not a warning.
SLOW_STEP = re.compile(r"Executing <.*> took \d+\.\d+ seconds\n")


def run_once(
    python: str,
    sizes=SIZES,
    steps: int | None = None,
    flags=(),
    timeout: float | None = None,
    snippet: Path = SNIPPET,
) -> str:
    """The snippet's report, run as a reader runs it, in an empty directory
    (``flags`` for the interpreter, e.g. ``["-X", "dev"]``). Anything on
    stderr but asyncio's slow-step timing, a warning included, is an error:
    the report would not be the whole story. Past ``timeout`` seconds it is
    ended, with every process it started (a measuring process that died
    before sending can leave it waiting), and that is an error too."""
    command = [python, *flags, str(snippet), *map(str, sizes)]
    if steps:
        command += ["--steps", str(steps)]
    with (
        tempfile.TemporaryDirectory() as empty,
        subprocess.Popen(
            command,
            cwd=empty,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: ended whole
        ) as process,
    ):
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):  # all ended meanwhile
                os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            raise ReportError(
                f"{' '.join(command)} did not end within {timeout:g} s (ended, with the "
                f"processes it started); a measuring process that stops before sending "
                f"its figures must make it fail, not wait:\n{stdout}{stderr}"
            ) from None
    if process.returncode or SLOW_STEP.sub("", stderr):
        raise ReportError(f"{' '.join(command)} exited {process.returncode}:\n{stdout}{stderr}")
    return stdout


class CpuMeter:
    """How busy the whole machine was (all CPUs, from /proc/stat) and how much
    of that was this process's children (the benchmark): what is left is
    other work, which makes the figures noisy on a shared machine.

    The two come from different counts (the kernel's busy ticks of every CPU,
    and the CPU time ``getrusage`` reports for the children), which need not
    agree: when the children's own time comes out larger than all the busy
    time, the estimate of the rest is below zero, and other work could not be
    measured (:meth:`others` is then None), which is not the same as none."""

    def __init__(self):
        self.ticks, self.own = self._ticks(), self._own()

    @staticmethod
    def _ticks() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    @staticmethod
    def _own() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def estimate(self) -> float:
        """Busy CPU time less the children's, as a share of all CPU time since
        this meter started, unclamped: below zero where the counts disagree."""
        (total, idle), own = self._ticks(), self._own()
        elapsed = max(total - self.ticks[0], 1)
        busy = elapsed - (idle - self.ticks[1])
        mine = (own - self.own) * os.sysconf("SC_CLK_TCK")
        return (busy - mine) / elapsed

    @staticmethod
    def share(estimate: float) -> float | None:
        """The share (0–1) of all CPU time that other processes (and the kernel,
        and a virtual machine's host) used, or None if it could not be
        measured (the estimate is below zero)."""
        return None if estimate < 0 else min(estimate, 1.0)

    def others(self) -> float | None:
        """:meth:`share` of the estimate now."""
        return self.share(self.estimate())


def wait_until_quiet(threshold: float, longest: float) -> float | None:
    """Wait (at most ``longest`` seconds) until other processes use at most
    ``threshold`` of the CPUs over 1 s; return their share then (None: not
    measurable, and waiting would not make it so)."""
    deadline = time.monotonic() + longest
    while True:
        meter = CpuMeter()
        time.sleep(1)
        others = meter.others()
        if others is None or others <= threshold or time.monotonic() > deadline:
            return others
        print(f"  waiting for a quieter machine: other processes use {others:.0%} of the CPUs")


def percent(share: float | None) -> str:
    """``0.12`` -> "12%"; None -> "an unmeasurable share"."""
    return "an unmeasurable share" if share is None else f"{share:.0%}"


def cpu_model() -> str:
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    return found.group(1).strip() if found else platform.machine()


def spread(values: list[float | None]) -> dict | None:
    if any(v is None for v in values):
        return None
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": values,
    }


def summarise(reports: list[str], before: dict) -> dict:
    """Every run's report -> the data file's content."""
    parsed = [parse(report) for report in reports]
    first = parsed[0]
    machine = first["machine"]
    for other in parsed[1:]:
        if other["machine"] != machine or other["waiting"].keys() != first["waiting"].keys():
            raise ReportError("the runs differ in machine or configurations")
    waiting = []
    for workload, n in first["waiting"]:
        row = {"workload": workload, "n": n}
        for figure in FIGURES:
            row[figure] = spread([p["waiting"][workload, n][figure] for p in parsed])
        waiting.append(row)
    computing = [
        {"workload": w, "wall_s": spread([p["computing"][w] for p in parsed])}
        for w in first["computing"]
    ]
    return {
        "about": (
            "Written by `make bench-concurrency` (tools/bench_concurrency.py); do not edit. "
            "Figures: wall_s (s), create_us (µs per unit), rss_kib and virt_kib (KiB per "
            "live unit); median, min, max and each run. machine.others_estimate: for each "
            "run, the CPU time /proc/stat counted as busy less what getrusage counted for the "
            "benchmark's processes, as a share of all CPU time (other processes, the kernel, a "
            "virtual machine's host); below zero where the two counts disagree. "
            "machine.others_busy: the same share, null where it is below zero (not "
            "measurable). machine.load_before: the 1-minute load average before each run; it "
            "still counts the threads of the run before, so it overstates other work. "
            "machine.seconds: the time spent measuring."
        ),
        "machine": {
            "cpu": cpu_model(),
            "cpus": int(machine["cpus"]),
            "python": machine["python"],
            "implementation": machine["implementation"],
            "os": machine["os"],
            "ulimit_s": machine["stack"],
            "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
            **before,
        },
        "runs": len(reports),
        "wait_s": first["wait_s"],
        "jobs": first["jobs"],
        "steps": first["steps"],
        "waiting": waiting,
        "computing": computing,
        "reports": reports,
    }


def load(path: Path = DATA) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write(data: dict, path: Path = DATA) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# --- words and numbers, in each language (the charts and hooks/measured.py) ---

TEXT = {
    "en": {
        "threads": "threads",
        "pool": "thread pool",
        "tasks": "asyncio tasks",
        "default_pool": "default thread pool",
        "sequential": "one after another",
        "group": "{n} waits",
        "wall_s": "Wall time of N waits of {wait} s",
        "wall_s_axis": "seconds (log scale)",
        "the_wait": "the wait itself",
        "create_us": "Creating one thread or task",
        "create_us_axis": "microseconds (log scale)",
        "rss_kib": "Memory per live thread or task (RSS)",
        "rss_kib_axis": "KiB",
        "computing": "{jobs} {jobs_word} of arithmetic, nothing to wait for",
        "computing_axis": "seconds",
        "note": "Dot: median of {runs} runs; line: min to max",
        "bar_note": "Bar: median of {runs} runs; line: min to max",
        "s": "s",
        "us": "µs",
        "kib": "KiB",
        "decimal": ".",
        "thousands": ",",
    },
    "ru": {
        "threads": "потоки",
        "pool": "пул потоков",
        "tasks": "задачи asyncio",
        "default_pool": "пул потоков по умолчанию",
        "sequential": "по очереди",
        "group": "{n} ожиданий",
        "wall_s": "Время N ожиданий по {wait} с",
        "wall_s_axis": "секунды (логарифмическая шкала)",
        "the_wait": "само ожидание",
        "create_us": "Создание одного потока или задачи",
        "create_us_axis": "микросекунды (логарифмическая шкала)",
        "rss_kib": "Память на живой поток или задачу (RSS)",
        "rss_kib_axis": "КиБ",
        "computing": "{jobs} {jobs_word} с вычислениями, ждать нечего",
        "computing_axis": "секунды",
        "note": "Точка: медиана {runs} запусков; линия: от минимума до максимума",
        "bar_note": "Столбец: медиана {runs} запусков; линия: от минимума до максимума",
        "s": "с",
        "us": "мкс",
        "kib": "КиБ",
        "decimal": ",",
        "thousands": "\u00a0",
    },
}
UNITS = {"wall_s": "s", "create_us": "us", "rss_kib": "kib", "virt_kib": "kib"}


def text(lang: str, key: str, **values) -> str:
    words = TEXT.get(lang, TEXT["en"])[key]
    if "jobs" in values:  # a word that agrees with the count
        n = values["jobs"]
        if lang == "ru":
            values["jobs_word"] = plural(n, "задание", "задания", "заданий")
        else:
            values["jobs_word"] = "job" if n == 1 else "jobs"
    return words.format(
        **{k: v if isinstance(v, str) else number(v, lang) for k, v in values.items()}
    )


def number(value: float, lang: str, decimals: int | None = None) -> str:
    """``10000`` -> "10,000" (en), "10 000" (ru); ``0.25`` -> "0.25" / "0,25";
    with ``decimals``, rounded to that many."""
    words = TEXT.get(lang, TEXT["en"])
    formatted = f"{value:,}" if decimals is None else f"{value:,.{decimals}f}"
    return formatted.translate({ord(","): words["thousands"], ord("."): words["decimal"]})


def decimals(figure: str, value: float) -> int:
    """As many decimals as the figure means on this machine: wall time to the
    millisecond below 10 s, microseconds whole from 100 up, KiB to a tenth."""
    if figure == "wall_s":
        return 3 if value < 10 else 1
    if figure == "create_us":
        return 1 if value < 100 else 0
    return 1 if value < 1000 else 0


def quantity(value: float, figure: str, lang: str) -> str:
    """``0.1034, "wall_s"`` -> "0.103 s" (en), "0,103 с" (ru)."""
    unit = text(lang, UNITS[figure])
    return f"{number(value, lang, decimals(figure, value))}\u00a0{unit}"


# --- charts --------------------------------------------------------------------

THEMES = {
    # Material's light and dark ("slate") text colours; marks with at least 3:1
    # contrast against each background (WCAG 1.4.11), told apart by shape too.
    "light": {
        "text": "#1f1f1f",
        "muted": "#5c5f66",
        "grid": "#d9dbe0",
        "threads": "#b3400b",
        "pool": "#7a5a00",
        "tasks": "#0b5fa5",
        "sequential": "#4a4d55",
    },
    "dark": {
        "text": "#e2e4e9",
        "muted": "#a9adb8",
        "grid": "#3c4150",
        "threads": "#ff9a6b",
        "pool": "#e8c45a",
        "tasks": "#74bdf5",
        "sequential": "#c3c7d0",
    },
}
MARKERS = {"threads": "o", "pool": "s", "tasks": "D", "sequential": "o"}
CHARTS = ("wall_s", "create_us", "rss_kib", "computing")
WIDTH_IN = 5.0  # 480 px wide on a desktop; scaled down to fit a phone


def chart_path(lang_docs: Path, chart: str, theme: str) -> Path:
    return lang_docs / CHART_DIR / f"{chart.split('_')[0]}-{theme}.svg"


def chart_files(lang_docs: Path) -> list[Path]:
    return [chart_path(lang_docs, c, t) for c in CHARTS for t in THEMES]


def alt_text(data: dict, chart: str, lang: str) -> str:
    """What the chart shows, in words and numbers, for a reader who cannot see it."""
    runs = data["runs"]
    if chart == "computing":
        parts = [
            f"{text(lang, row['workload'])} {quantity(row['wall_s']['median'], 'wall_s', lang)}"
            for row in data["computing"]
        ]
        title = text(lang, "computing", jobs=data["jobs"])
    else:
        parts = []
        for n in sorted({row["n"] for row in data["waiting"]}):
            cells = [
                f"{text(lang, row['workload'])} {quantity(row[chart]['median'], chart, lang)}"
                for row in data["waiting"]
                if row["n"] == n and row["workload"] in THEMES["light"] and row[chart]
            ]
            parts.append(f"{text(lang, 'group', n=n)}: {', '.join(cells)}")
        title = text(lang, chart, wait=data["wait_s"]) if chart == "wall_s" else text(lang, chart)
    note = text(lang, "note" if chart != "computing" else "bar_note", runs=runs)
    return f"{title}. {note}. " + "; ".join(parts) + "."


# No <metadata> block (creator, date, format, type): stable bytes, and none a reader sees.
NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}


def draw(data: dict, lang_docs: dict[str, Path]) -> list[Path]:
    """Every chart, for each language (``{"en": docs/en, …}``) and colour
    scheme, as SVG files that depend on nothing but ``data``."""
    import matplotlib

    written = []
    style = {
        "svg.hashsalt": "threads-vs-asyncio",  # stable ids, so stable bytes
        # Text as text: a quarter of the bytes of glyph outlines, and it can be
        # selected and searched; the reader's sans-serif font draws it.
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],  # ships with matplotlib, has Cyrillic: the layout
        "font.size": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.spines.left": False,
    }
    with matplotlib.rc_context(style):
        for lang, docs in lang_docs.items():
            for chart in CHARTS:
                for theme, colours in THEMES.items():
                    figure = _chart(data, chart, lang, colours)
                    path = chart_path(docs, chart, theme)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    figure.savefig(path, format="svg", transparent=True, metadata=NO_METADATA)
                    path.write_text(slim_svg(path.read_text(encoding="utf-8")), encoding="utf-8")
                    written.append(path)
    return written


def slim_svg(svg: str) -> str:
    """matplotlib's SVG without what no reader sees: the ids that nothing
    refers to (one per group and line: ``id="xtick_15"``) and the indentation
    between tags: a fifth of each chart's bytes (268 kB to 213 kB for the
    sixteen files). The same rule as hooks/compact_html.py's for pages, kept
    here as one line rather than have a tool import a build hook."""
    used = set(re.findall(r'(?:href="|url\()#([^")]+)', svg))
    svg = re.sub(r' id="([^"]+)"', lambda m: m.group(0) if m.group(1) in used else "", svg)
    return re.sub(r">\s*\n\s*<", ">\n<", svg)


def _chart(data: dict, chart: str, lang: str, colours: dict):
    from matplotlib.figure import Figure

    if chart == "computing":
        rows = [(row["workload"], row["wall_s"]) for row in data["computing"]]
        figure = Figure(figsize=(WIDTH_IN, 2.2), layout="constrained")
        ax = figure.add_subplot()
        y = list(range(len(rows)))
        for position, (workload, values) in zip(y, rows, strict=True):
            colour = colours.get(workload, colours["sequential"])
            ax.barh(position, values["median"], height=0.6, color=colour)
            ax.plot([values["min"], values["max"]], [position] * 2, color=colours["text"], lw=1.5)
            ax.annotate(
                quantity(values["median"], "wall_s", lang),
                (values["max"], position),
                xytext=(5, 0),
                textcoords="offset points",
                va="center",
                color=colours["text"],
            )
        ax.set_yticks(y, [text(lang, w) for w, _ in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, max(v["max"] for _, v in rows) * 1.35)
        title = text(lang, "computing", jobs=data["jobs"])
        axis, note = text(lang, "computing_axis"), text(lang, "bar_note", runs=data["runs"])
    else:
        sizes = sorted({row["n"] for row in data["waiting"]})
        workloads = list(WORKLOADS.values())
        figure = Figure(figsize=(WIDTH_IN, 4.3), layout="constrained")
        ax = figure.add_subplot()
        ticks, labels, values_seen = [], [], []
        position = 0
        for n in sizes:
            ax.text(
                -0.02,
                position,
                text(lang, "group", n=n),
                transform=ax.get_yaxis_transform(),
                ha="right",
                va="center",
                fontweight="bold",
                color=colours["text"],
            )
            position += 1
            for workload in workloads:
                row = next(r for r in data["waiting"] if r["n"] == n and r["workload"] == workload)
                values = row[chart]
                colour = colours[workload]
                ax.plot([values["min"], values["max"]], [position] * 2, color=colour, lw=2)
                ax.plot(
                    values["median"],
                    position,
                    marker=MARKERS[workload],
                    markersize=7,
                    color=colour,
                    linestyle="none",
                )
                ax.annotate(
                    quantity(values["median"], chart, lang),
                    (values["max"], position),
                    xytext=(6, 0),
                    textcoords="offset points",
                    va="center",
                    color=colours["text"],
                    fontsize=10,
                )
                ticks.append(position)
                labels.append(text(lang, workload))
                values_seen += [values["min"], values["max"]]
                position += 1
            position += 0.4
        ax.set_yticks(ticks, labels)
        for tick, workload in zip(ax.get_yticklabels(), workloads * len(sizes), strict=True):
            tick.set_color(colours[workload])
        ax.set_ylim(position - 0.6, -0.7)
        low, high = min(values_seen), max(values_seen)
        if chart == "rss_kib":
            ax.set_xlim(0, high * 1.45)
        else:
            ax.set_xscale("log")
            ax.set_xlim(low / 1.6, high * 6)
            ax.xaxis.set_major_formatter(
                _log_formatter(lang),
            )
        if chart == "wall_s":
            wait = data["wait_s"]
            ax.axvline(wait, color=colours["muted"], lw=1, ls="--")
            ax.annotate(
                text(lang, "the_wait"),
                (wait, position - 0.6),
                xytext=(3, 3),
                textcoords="offset points",
                color=colours["muted"],
                fontsize=9,
            )
        title = text(lang, chart, wait=data["wait_s"])
        axis = text(lang, f"{chart}_axis")
        note = text(lang, "note", runs=data["runs"])
    figure.suptitle(title, x=0.01, ha="left", color=colours["text"], fontweight="bold")
    figure.supxlabel(note, x=0.01, ha="left", color=colours["muted"], fontsize=9)
    ax.set_xlabel(axis, color=colours["muted"], fontsize=9.5)
    ax.grid(axis="x", color=colours["grid"], lw=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0, colors=colours["text"])
    ax.tick_params(axis="x", colors=colours["muted"], labelcolor=colours["text"])
    ax.spines["bottom"].set_color(colours["grid"])
    ax.set_facecolor("none")
    return figure


def _log_formatter(lang: str):
    from matplotlib.ticker import FuncFormatter

    def label(value, _position):
        places = max(0, -int(f"{value:e}".split("e")[1]))
        return number(value, lang, places)

    return FuncFormatter(label)


def languages() -> dict[str, Path]:
    """``{"en": docs/en, "ru": docs/ru}``: every language's docs directory."""
    from mkdocs.config import load_config

    return {lang: Path(load_config(str(config))["docs_dir"]) for lang, config in configs()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="separate runs (default 5)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter measured")
    parser.add_argument("--draw", action="store_true", help="only redraw the charts from DATA")
    parser.add_argument(
        "--quiet",
        type=float,
        default=0.15,
        help="before each run, wait until other processes use at most this share of the CPUs",
    )
    parser.add_argument(
        "--wait", type=float, default=600, help="seconds to wait for that at most, per run"
    )
    args = parser.parse_args()
    if not args.draw:
        reports, estimates, loads, measuring = [], [], [], 0.0
        for run in range(1, args.runs + 1):
            before = wait_until_quiet(args.quiet, args.wait)
            loads.append(os.getloadavg()[0])
            meter, started = CpuMeter(), time.perf_counter()
            reports.append(run_once(args.python))
            parse(reports[-1])  # fail now, not after every run
            measuring += time.perf_counter() - started
            estimates.append(meter.estimate())
            print(
                f"run {run}/{args.runs}: {time.perf_counter() - started:.0f} s; other processes"
                f" used {percent(before)} of the CPUs before it,"
                f" {percent(CpuMeter.share(estimates[-1]))} during it"
            )
        others = [CpuMeter.share(estimate) for estimate in estimates]
        context = {
            "load_before": [round(load, 2) for load in loads],
            "others_estimate": [round(estimate, 3) for estimate in estimates],
            "others_busy": [None if share is None else round(share, 3) for share in others],
            "seconds": round(measuring),
        }
        write(summarise(reports, context))
        print(f"wrote {DATA.relative_to(ROOT)}: {measuring:.0f} s of measuring")
        if any(share is not None and share > args.quiet for share in others):
            print("warning: other work ran during the runs; the figures are noisy", file=sys.stderr)
        if None in others:
            print(
                "warning: in some runs other work could not be measured (the benchmark's own"
                " CPU time came out larger than all the busy time /proc/stat counted)",
                file=sys.stderr,
            )
    for path in draw(load(), languages()):
        print(f"drew {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
