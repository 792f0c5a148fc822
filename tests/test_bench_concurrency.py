"""The "Threads or asyncio: measured" page keeps its promises: its benchmark
runs on every interpreter and prints what ``tools/bench_concurrency.py`` reads,
and however it is stopped it leaves nothing running; the committed charts are
drawn from the committed data; every figure the built pages show (table,
machine, charts' alt text, sentences) is the data's.

No measured time is asserted: the benchmark runs here with small sizes so that
its code cannot rot; ``make bench-concurrency`` measures. Only how soon it ends
when stopped is (within seconds).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from hooks import measured
from tools import bench_concurrency as bench
from tools.site import ROOT, configs, prefix

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about(page="docs/en/measured.md")

LANGS = [lang for lang, _ in configs()]


def interpreters() -> dict[str, str]:
    """``{"3.11": this interpreter, "3.12": …, "3.13": …}``: the venv's Python and
    every other CPython 3.11+ that pyenv has on this machine."""
    found = {f"{sys.version_info.major}.{sys.version_info.minor}": sys.executable}
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for python in sorted(versions.glob("3.*.*/bin/python")):
        version = python.parent.parent.name
        if not re.fullmatch(r"3\.\d+\.\d+", version):
            continue
        minor = version.rsplit(".", 1)[0]
        if int(minor.split(".")[1]) >= 11:
            found.setdefault(minor, str(python))
    return dict(sorted(found.items()))


PYTHONS = interpreters()


@pytest.mark.parametrize("python", PYTHONS.values(), ids=PYTHONS.keys())
def test_the_benchmark_runs_and_prints_what_the_tool_reads(python):
    """Tiny sizes, in development mode: no warning, no traceback, every row."""
    report = bench.run_once(
        python, sizes=(2, 5), steps=2000, flags=["-X", "dev"], timeout=RUN_LIMIT
    )
    parsed = bench.parse(report)
    version = next(v for v, p in PYTHONS.items() if p == python)
    assert parsed["machine"]["python"].startswith(version + "."), report
    expected = {(w, n) for n in (2, 5) for w in bench.WORKLOADS.values()} | {("default_pool", 2)}
    assert set(parsed["waiting"]) == expected, report
    for (workload, _), figures in parsed["waiting"].items():
        assert figures["wall_s"] > 0 and figures["create_us"] > 0, report
        measured_memory = workload != "default_pool"
        assert (figures["rss_kib"] is not None) == measured_memory, report
        assert (figures["virt_kib"] is not None) == measured_memory, report
    assert set(parsed["computing"]) == set(bench.COMPUTING.values()), report
    assert parsed["jobs"] > 1 and parsed["steps"] == 2000


RUN_LIMIT = 300  # seconds a run of the benchmark with tiny sizes may take on a busy machine


@pytest.mark.parametrize(
    ("planted", "said"),
    [
        # dies before sending its figures: the benchmark says so and ends
        ("os.kill(os.getpid(), signal.SIGKILL)", "exited 1"),
        # never sends and never ends: the run is ended at its time limit
        ("threading.Event().wait()", "did not end within 20 s"),
    ],
    ids=["dies", "never-sends"],
)
def test_a_measuring_process_that_stops_before_sending_cannot_hang_the_run(tmp_path, planted, said):
    source = bench.SNIPPET.read_text(encoding="utf-8")
    sending = "        results.send(probe.figures(n))\n"
    assert sending in source, f"{bench.SNIPPET}: no `results.send(...)` line to plant before"
    snippet = tmp_path / bench.SNIPPET.name
    snippet.write_text(source.replace(sending, f"        {planted}\n" + sending), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(bench.ReportError, match=re.escape(said)) as raised:
        bench.run_once(sys.executable, sizes=(2,), steps=100, timeout=20, snippet=snippet)
    assert time.monotonic() - started < 60, raised.value
    assert "failed" in str(raised.value) or "did not end" in str(raised.value), raised.value


def test_only_asyncio_slow_step_timing_is_tolerated_on_stderr():
    """A busy machine may make a tiny step take over 0.1 s of wall-clock time:
    debug mode says so, and that is no fault of the code; a warning is."""
    slow = (
        "Executing <Task pending name='Task-1' coro=<computing_tasks() running at"
        " threads_vs_asyncio.py:164> created at base_events.py:652> took 0.137 seconds\n"
    )
    assert bench.SLOW_STEP.sub("", slow) == ""
    warning = "threads_vs_asyncio.py:161: RuntimeWarning: coroutine 'job' was never awaited\n"
    assert bench.SLOW_STEP.sub("", slow + warning) == warning


def test_a_report_missing_a_row_is_rejected_naming_it():
    report = bench.load()["reports"][0]
    without = "\n".join(line for line in report.splitlines() if "10000  asyncio tasks" not in line)
    with pytest.raises(bench.ReportError, match="tasks N=10000"):
        bench.parse(without)
    with pytest.raises(bench.ReportError, match="first line"):
        bench.parse("hello\n" + report)


def test_the_snippet_fits_a_phone():
    long = [
        f"snippets/measured/threads_vs_asyncio.py:{number}: {len(line)} characters"
        for number, line in enumerate(bench.SNIPPET.read_text().splitlines(), 1)
        if len(line) > 72
    ]
    assert not long, "\n".join(long)


# --- However it is stopped, it leaves nothing running ----------------------------------
#
# A reader stops it with Ctrl+C, an IDE's stop button (SIGTERM, or SIGKILL), a
# timeout; or a measuring process fails ("can't start new thread"). A measuring
# process holds up to 10,000 threads: one left behind is a machine's process limit
# used up. Each test runs the program in a session of its own, stops it at a chosen
# moment and looks in /proc for anything of that session still running.

PROGRAM = bench.SNIPPET
# N=2000: a measuring process holds 2,000 threads at the gate for a moment. The
# default pool (200 waits, 3 s) and the arithmetic (about 1 s a part) take longer.
STOP_ARGS = ("200", "2000", "--steps", "3000000")
BEFORE_2000 = "   200  asyncio tasks"  # the row printed before N=2000 is measured
ENDS_WITHIN = 5.0  # seconds from the stop until nothing of it is left
# /proc/PID/stat's fields, counted from the state (after "pid (comm) ").
STATE, PPID, SESSION, UTIME, STIME, THREADS = 0, 1, 3, 11, 12, 17


def proc_stat(pid: int | str) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def session_processes(sid: int) -> dict[int, list[str]]:
    """The processes of session ``sid`` still running (not zombies, which hold no
    threads and no memory): pid -> their stat fields."""
    found = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = proc_stat(entry.name)
            except OSError:  # it ended meanwhile
                continue
            if int(fields[SESSION]) == sid and fields[STATE] != "Z":
                found[int(entry.name)] = fields
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def threads_of(pid: int) -> int:
    try:
        return int(proc_stat(pid)[THREADS])
    except OSError:
        return 0


def cpu_seconds(pid: int) -> float:
    try:
        fields = proc_stat(pid)
    except OSError:
        return 0.0
    return (int(fields[UTIME]) + int(fields[STIME])) / os.sysconf("SC_CLK_TCK")


class Run:
    """The page's program run as from a terminal: in a session of its own (the
    session's id is its pid), its output read as it is printed. Leaving the
    ``with`` block kills whatever of the session is left, so that a failing test
    leaves nothing behind either."""

    def __init__(self, tmp_path: Path, python: str, args=STOP_ARGS, address_space_gib=None):
        command = [python, "-u", str(PROGRAM), *args]
        if address_space_gib:
            command[1:1] = ["-c", LIMITED, str(address_space_gib)]
        self.out, self.err = tmp_path / "stdout", tmp_path / "stderr"
        # Ctrl+C not ignored, as in a terminal, even when these tests run in the
        # background (a shell starts them with SIGINT ignored, which a child inherits).
        interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            with self.out.open("w") as out, self.err.open("w") as err:
                self.process = subprocess.Popen(
                    command, cwd=tmp_path, stdout=out, stderr=err, start_new_session=True
                )
        finally:
            signal.signal(signal.SIGINT, interrupt)
        self.sid = self.process.pid
        # Each measuring process, oldest first -> what was printed before it was seen.
        self.children: dict[int, str] = {}
        self.others: set[int] = set()  # multiprocessing's resource tracker

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for pid in session_processes(self.sid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.kill()
        self.process.wait(timeout=10)

    def printed(self) -> str:
        return self.out.read_text()

    def errors(self) -> str:
        return self.err.read_text()

    def look(self):
        printed = self.printed()  # before the processes: a process seen is newer
        for pid, fields in session_processes(self.sid).items():
            if int(fields[PPID]) != self.sid or pid in self.children or pid in self.others:
                continue
            if "--multiprocessing-fork" in command_line(pid):
                self.children[pid] = printed
            else:
                self.others.add(pid)

    def after(self, line: str) -> list[int]:
        """The measuring processes started after ``line`` was printed, oldest first."""
        return [pid for pid, printed in self.children.items() if line in printed]

    def wait_for(self, moment: str, timeout: float = 60):
        reached = MOMENTS[moment]
        deadline = time.monotonic() + timeout
        while True:
            self.look()
            if reached(self):
                return
            assert self.process.poll() is None, f"it ended before {moment!r}:\n{self.printed()}"
            assert time.monotonic() < deadline, f"no {moment!r} within {timeout} s"
            time.sleep(0.002)

    def ended(self, since: float) -> tuple[float, float]:
        """Seconds from ``since`` until the program ended, and until nothing of
        its session was left; fails naming what is still running."""
        try:
            self.process.wait(timeout=max(since + ENDS_WITHIN - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            pass
        program = time.monotonic() - since
        while (left := session_processes(self.sid)) and time.monotonic() < since + ENDS_WITHIN:
            time.sleep(0.01)
        everything = time.monotonic() - since
        print(f"the program ended in {program:.2f} s, everything in {everything:.2f} s")
        running = "\n".join(
            f"{pid} ({threads_of(pid)} threads) {command_line(pid)}" for pid in left
        )
        assert not left, (
            f"{ENDS_WITHIN} s after, still running:\n{running}\n{self.printed()}{self.errors()}"
        )
        return program, everything


MOMENTS = {
    # The next measuring process is starting: its interpreter, before any workload.
    "starting": lambda run: run.after(BEFORE_2000)[:1],
    # It measures wall time: 2,000 threads started one after another.
    "wall": lambda run: any(threads_of(pid) >= 100 for pid in run.after(BEFORE_2000)[:1]),
    # The next holds its threads at the gate, 500 of 2,000 started so far.
    "gate": lambda run: any(threads_of(pid) >= 500 for pid in run.after(BEFORE_2000)[1:2]),
    # Arithmetic, with nothing to wait for.
    "computing": lambda run: any(cpu_seconds(pid) >= 0.2 for pid in run.after("Computing:")[:1]),
    # A measuring process failed, and printed why.
    "failed": lambda run: "can't start new thread" in run.errors(),
}
THIS = f"{sys.version_info.major}.{sys.version_info.minor}"


def moments_and_pythons(*moments: str):
    """Each moment with this interpreter, and the gate (thousands of threads
    waiting: what each version ends differently) with every other one too."""
    cases = [pytest.param(sys.executable, m, id=f"{m}-{THIS}") for m in moments]
    return cases + [
        pytest.param(python, "gate", id=f"gate-{version}")
        for version, python in PYTHONS.items()
        if version != THIS and "gate" in moments
    ]


@pytest.mark.parametrize(
    ("python", "moment"), moments_and_pythons("starting", "wall", "gate", "computing")
)
def test_one_ctrl_c_ends_it_at_once_quietly_leaving_nothing(tmp_path, python, moment):
    """A terminal sends SIGINT to the whole process group: the program, its
    measuring process and multiprocessing's resource tracker."""
    with Run(tmp_path, python) as run:
        run.wait_for(moment)
        stopped = time.monotonic()
        os.killpg(run.sid, signal.SIGINT)
        program, _ = run.ended(stopped)
        assert run.process.returncode == 130, run.errors()
        assert run.errors() == "Interrupted.\n"  # one line, no traceback from any process
        assert program < 3, f"it took {program:.1f} s to end"


def test_sigterm_ends_it_as_ctrl_c_does(tmp_path):
    """SIGTERM (``kill``, an IDE's stop button) to the program alone."""
    with Run(tmp_path, sys.executable) as run:
        run.wait_for("gate")
        stopped = time.monotonic()
        os.kill(run.sid, signal.SIGTERM)
        program, _ = run.ended(stopped)
        assert run.process.returncode == 130, run.errors()
        assert run.errors() == "Interrupted.\n"
        assert program < 3, f"it took {program:.1f} s to end"


@pytest.mark.parametrize(("python", "moment"), moments_and_pythons("gate"))
def test_killing_the_program_ends_its_measuring_process(tmp_path, python, moment):
    """SIGKILL to the program alone (a timeout, a stop button): nothing can run
    in it, so the measuring process holding 2,000 threads ends by itself."""
    with Run(tmp_path, python) as run:
        run.wait_for(moment)
        stopped = time.monotonic()
        os.kill(run.sid, signal.SIGKILL)
        run.ended(stopped)


# python -c LIMITED GIB ARGS…: python ARGS… with 8 MiB stacks for threads (as
# `ulimit -s 8192`) in an address space of GIB GiB (the same process: exec).
LIMITED = """import os, resource, sys
resource.setrlimit(resource.RLIMIT_STACK, (8 << 20, resource.RLIM_INFINITY))
size = int(sys.argv[1]) << 30
resource.setrlimit(resource.RLIMIT_AS, (size, size))
os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
"""
FAILURES = {  # moment: GiB, sizes, the workload that fails
    # The first measuring process: fewer than 200 threads fit in 1 GiB.
    "wall": (1, ("200", "2000"), "threads(200)"),
    # Threads alive at once, waiting at the gate: 4,000 do not fit in 20 GiB
    # (about 2,400 do), while those started one after another, each for 0.1 s,
    # are never as many at once (unless a thread starts in under 40 µs).
    "gate": (20, ("200", "4000"), "threads_alive(4000)"),
}


def failures():
    for version, python in PYTHONS.items():
        yield pytest.param(python, "wall", id=f"wall-{version}")
        # From 3.13 a finished thread keeps its stack until it is joined: the
        # threads started one after another take as much room as those at the
        # gate, and fail first.
        if int(version.split(".")[1]) < 13:
            yield pytest.param(python, "gate", id=f"gate-{version}")


@pytest.mark.parametrize(("python", "moment"), list(failures()))
def test_a_measuring_process_that_fails_ends_it_saying_why(tmp_path, python, moment):
    """It cannot start its threads: it prints why, and the program ends at
    once with an error, leaving nothing (the threads waiting at the gate)."""
    gib, sizes, workload = FAILURES[moment]
    with Run(tmp_path, python, (*sizes, "--steps", "1000"), gib) as run:
        run.wait_for("failed")
        run.ended(time.monotonic())
        assert run.process.returncode == 1
        errors = run.errors()
        assert "RuntimeError: can't start new thread" in errors
        assert errors.endswith(f"Measuring {workload} failed.\n"), errors


def test_the_data_has_every_configuration_from_enough_processes():
    data = bench.load()
    assert data["runs"] >= 5
    sizes = {row["n"] for row in data["waiting"]}
    assert sizes == set(bench.SIZES)
    for row in data["waiting"] + data["computing"]:
        for figure in bench.FIGURES:
            values = row.get(figure)
            if values:
                assert len(values["runs"]) == data["runs"], row
                assert values["min"] <= values["median"] <= values["max"], row
    assert len(data["reports"]) == data["runs"]
    # The figures are the reports' figures: parse them again.
    assert bench.summarise(data["reports"], {})["waiting"] == data["waiting"]


def test_what_the_page_says_of_computing_is_true_of_the_data():
    """ "Neither threads nor tasks gain anything": their fastest runs (the least
    disturbed by other work) are within 10 % of the sequential one, or slower."""
    fastest = {row["workload"]: row["wall_s"]["min"] for row in bench.load()["computing"]}
    for workload in ("threads", "tasks"):
        assert fastest[workload] >= 0.9 * fastest["sequential"], fastest


def test_what_the_page_says_of_waiting_is_true_of_the_data():
    """The sentences around the numbers on the measured page (both languages):
    tasks wait faster, start cheaper and take less memory than threads at every
    N; with 10,000 threads started one after another, the last one starts long
    after the first has finished its 0.1 s (the rest of the wall time is
    starting them), so only a part of them is alive at once; and a thread gets
    dearer to start as more threads are alive."""
    data = bench.load()
    median = {
        (row["workload"], row["n"], figure): row[figure]["median"]
        for row in data["waiting"]
        for figure in bench.FIGURES
        if row[figure]
    }
    largest, smallest = max(bench.SIZES), min(bench.SIZES)
    for n in bench.SIZES:
        for figure in ("wall_s", "create_us", "rss_kib"):
            assert median["tasks", n, figure] < median["threads", n, figure], (n, figure)
    wall = median["threads", largest, "wall_s"]
    assert wall > 5 * data["wait_s"], "starting the threads is not most of the wall time"
    assert data["wait_s"] * largest / wall < largest / 2, "most threads alive at once"
    assert median["threads", largest, "create_us"] > median["threads", smallest, "create_us"]


def test_a_chart_keeps_the_ids_it_refers_to_and_loses_the_rest():
    svg = (
        '<svg>\n  <defs>\n    <path id="m1" d="M 0 0"/>\n    <clipPath id="c1"/>\n  </defs>\n'
        '  <g id="xtick_1">\n    <use xlink:href="#m1"/>\n    <g clip-path="url(#c1)"/>\n'
        "    <text>1 000</text>\n  </g>\n</svg>"
    )
    assert bench.slim_svg(svg) == (
        '<svg>\n<defs>\n<path id="m1" d="M 0 0"/>\n<clipPath id="c1"/>\n</defs>\n'
        '<g>\n<use xlink:href="#m1"/>\n<g clip-path="url(#c1)"/>\n'
        "<text>1 000</text>\n</g>\n</svg>"
    )


def test_the_committed_charts_are_drawn_from_the_committed_data(tmp_path):
    docs = bench.languages()
    drawn = bench.draw(bench.load(), {lang: tmp_path / lang for lang in docs})
    stale = []
    for path in drawn:
        lang = path.relative_to(tmp_path).parts[0]
        committed = docs[lang] / path.relative_to(tmp_path / lang)
        if not committed.exists() or committed.read_bytes() != path.read_bytes():
            stale.append(str(committed.relative_to(ROOT)))
    assert not stale, (
        f"charts not drawn from {bench.DATA.relative_to(ROOT)}: {stale}; "
        "redraw them with `.venv/bin/python -m tools.bench_concurrency --draw` "
        "(or measure again: `make bench-concurrency`) and commit them"
    )
    for lang, directory in docs.items():
        extra = set((directory / bench.CHART_DIR).glob("*.svg")) - set(bench.chart_files(directory))
        assert not extra, f"charts no page shows in {lang}: {sorted(map(str, extra))}"


class Page(HTMLParser):
    """The parts of a built page this test reads."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.images: list[dict] = []
        self.cell: list[str] | None = None
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "img":
            self.images.append(dict(attrs))
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def built(site: Path, lang: str, page: str) -> Page:
    return Page((site / prefix(lang) / page / "index.html").read_text(encoding="utf-8"))


NUMBER = re.compile(r"-?[\d\u00a0,]*\d(?:[.,]\d+)?")


def read_number(text: str, lang: str) -> float:
    """ "10,000" / "10 000" -> 10000.0; "0.213 s" / "0,213 с" -> 0.213."""
    found = NUMBER.search(text)
    assert found, f"no number in {text!r}"
    digits = found.group(0).replace("\u00a0", "")
    digits = digits.replace(",", "") if lang == "en" else digits.replace(",", ".")
    return float(digits)


def close(shown: float, value: float, figure: str, median: float | None = None) -> bool:
    """As close as the page's rounding allows (a range is rounded as its median)."""
    places = bench.decimals(figure, value if median is None else median)
    return abs(shown - value) <= 0.5 * 10**-places + 1e-9


@pytest.mark.parametrize("lang", LANGS)
def test_the_built_page_shows_the_data(built_site, lang):
    data, page = bench.load(), built(built_site, lang, "measured")
    waiting, computing = page.tables[0], page.tables[1]
    rows = waiting[1:]  # the header first
    assert len(rows) == len(data["waiting"])
    for row, cells in zip(data["waiting"], rows, strict=True):
        assert read_number(cells[0], lang) == row["n"]
        assert cells[1] == bench.text(lang, row["workload"])
        for figure, cell in zip(bench.FIGURES, cells[2:], strict=True):
            values = row[figure]
            if values is None:
                assert cell == "—"
                continue
            median, spread = cell.split("\n")
            if spread == measured._words(lang)["every_run"]:
                low = high = median  # the lowest and the highest round alike
            else:
                low, high = spread.split("–")
                assert low != high, f"a range of one value: {cell!r}"
            for shown, value in ((median, "median"), (low, "min"), (high, "max")):
                shown_value = read_number(shown, lang)
                assert close(shown_value, values[value], figure, values["median"]), (cell, values)
    for row, cells in zip(data["computing"], computing[1:], strict=True):
        assert cells[0] == bench.text(lang, row["workload"])
        assert close(read_number(cells[1], lang), row["wall_s"]["median"], "wall_s")
    text = "".join(page.text)
    machine = data["machine"]
    for fact in (machine["cpu"], machine["python"], machine["os"], machine["ulimit_s"].split()[0]):
        assert fact in text, f"{fact!r} is not on the {lang} page"
    assert data["reports"][0].splitlines()[0] in text  # the report, as printed


@pytest.mark.parametrize("lang", LANGS)
def test_each_chart_is_shown_in_both_schemes_with_its_numbers_in_words(built_site, lang):
    data, page, docs = bench.load(), built(built_site, lang, "measured"), bench.languages()
    shown = {image["src"].split("/")[-1]: image for image in page.images}
    for chart in bench.CHARTS:
        for theme in bench.THEMES:
            name = bench.chart_path(Path(), chart, theme).name
            image = shown.get(f"{name}#only-{theme}")
            assert image, f"{name} is not on the {lang} page"
            assert image["alt"] == bench.alt_text(data, chart, lang)
            assert image.get("loading") == "lazy" and image.get("width")
            file = built_site / prefix(lang) / "measured" / image["src"].split("#")[0]
            assert file.read_bytes() == bench.chart_path(docs[lang], chart, theme).read_bytes()
    wall = bench.alt_text(data, "wall_s", lang)
    tasks = next(r for r in data["waiting"] if r["workload"] == "tasks" and r["n"] == 10000)
    assert bench.quantity(tasks["wall_s"]["median"], "wall_s", lang) in wall


@pytest.mark.parametrize("lang", LANGS)
def test_the_data_file_is_published_with_the_page(built_site, lang):
    published = built_site / prefix(lang) / measured.PUBLISHED
    assert published.read_bytes() == bench.DATA.read_bytes()


@pytest.mark.about("site", cheap=True)
def test_no_page_is_left_with_a_placeholder(built_site):
    left = [
        str(html.relative_to(built_site))
        for html in built_site.rglob("*.html")
        if "{{ measured." in html.read_text(encoding="utf-8")
    ]
    assert not left, f"pages showing an unreplaced {{{{ measured.… }}}}: {left}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.about(page="docs/en/why-asyncio.md", cheap=True)
def test_why_asyncio_states_the_measured_ratios(built_site, lang):
    data = bench.load()
    text = "".join(built(built_site, lang, "why-asyncio").text)
    threads, tasks = (
        next(r for r in data["waiting"] if r["workload"] == w and r["n"] == 10000)
        for w in ("threads", "tasks")
    )
    for figure in ("wall_s", "create_us", "rss_kib"):
        ratio = threads[figure]["median"] / tasks[figure]["median"]
        assert measured.times(ratio, lang) in text, f"{figure} ratio not on the {lang} page"


def test_an_unknown_figure_fails_the_build_naming_the_page_and_line():
    docs = bench.languages()["en"]
    with pytest.raises(PluginError, match=r"docs/en/x\.md:3: \{\{ measured\.tasks\.wall\.7 \}\}"):
        measured.render(
            "a\n\n{{ measured.tasks.wall.7 }}\n", bench.load(), "en", docs, "docs/en/x.md"
        )


@pytest.mark.parametrize(
    ("ratio", "lang", "words"),
    [
        (22.4, "ru", "в 22 раза"),
        (12.0, "ru", "в 12 раз"),
        (7.21, "ru", "в 7,2 раза"),
        (25.0, "ru", "в 25 раз"),
        (7.21, "en", "7.2 times"),
        (1500.0, "en", "1,500 times"),
    ],
)
def test_ratios_are_written_the_language_s_way(ratio, lang, words):
    assert measured.times(ratio, lang) == words
