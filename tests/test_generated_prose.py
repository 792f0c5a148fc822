"""The sentences the hooks write into the measured page and "How this site is
tested" say what the data say, in both languages: the other work during the
benchmark only where it could be measured, never a range from a value to
itself; the computing comparison as the runs show it; how many tests passed and
were skipped; the machine's CPUs from the data, counted in words that agree
with the number (hooks/russian.py).
"""

from __future__ import annotations

import copy
import html
import json
import re

import pytest
from mkdocs.exceptions import PluginError

from hooks import measured, russian, testing
from tools import bench_concurrency as bench
from tools.site import prefix

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about(page="docs/en/measured.md", cheap=True)

LANGS = ("en", "ru")


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (0, "процессоров"),
        (1, "процессор"),
        (2, "процессора"),
        (4, "процессора"),
        (5, "процессоров"),
        (11, "процессоров"),
        (12, "процессоров"),
        (14, "процессоров"),
        (21, "процессор"),
        (22, "процессора"),
        (25, "процессоров"),
        (101, "процессор"),
        (111, "процессоров"),
        (112, "процессоров"),
        (1024, "процессора"),
    ],
)
def test_russian_words_agree_with_any_number(n, word):
    assert russian.plural(n, *russian.CPUS) == word
    assert russian.cpus(n) == f"{n}\u00a0{word}"


@pytest.mark.parametrize(
    ("n", "lang", "words"),
    [
        (1, "en", "1 CPU"),
        (2, "en", "2 CPUs"),
        (21, "en", "21 CPUs"),
        (1, "ru", "1 процессор"),
        (2, "ru", "2 процессора"),
        (5, "ru", "5 процессоров"),
        (21, "ru", "21 процессор"),
    ],
)
def test_the_cpus_are_counted_the_language_s_way(n, lang, words):
    assert measured.counted(n, "cpus", lang) == words.replace(" ", "\u00a0")


def _machine(**changes) -> dict:
    machine = copy.deepcopy(bench.load()["machine"])
    machine.update(changes)
    return machine


NO_DEGENERATE_RANGE = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s*[–-]\s*\1(?![\d.,]?\d)")


@pytest.mark.parametrize(
    "jobs, lang, title",
    [
        (1, "en", "1 job of arithmetic"),
        (4, "en", "4 jobs of arithmetic"),
        (21, "en", "21 jobs of arithmetic"),
        (1, "ru", "1 задание с вычислениями"),
        (4, "ru", "4 задания с вычислениями"),
        (5, "ru", "5 заданий с вычислениями"),
        (21, "ru", "21 задание с вычислениями"),
    ],
)
def test_the_computing_chart_s_title_agrees_with_the_number_of_jobs(jobs, lang, title):
    assert bench.text(lang, "computing", jobs=jobs).startswith(title)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_table_cell_never_shows_a_range_of_one_value(lang):
    alike = measured._cell({"median": 16.2, "min": 16.21, "max": 16.24}, "rss_kib", lang)
    assert "–" not in alike and measured._words(lang)["every_run"] in alike
    differ = measured._cell({"median": 16.2, "min": 15.9, "max": 16.4}, "rss_kib", lang)
    assert "–" in differ


@pytest.mark.parametrize("lang", LANGS)
def test_other_work_is_a_range_when_the_runs_differ(lang):
    machine = _machine(others_estimate=[0.031, 0.12, 0.05], others_busy=[0.031, 0.12, 0.05])
    text = measured.others(machine, lang)
    assert "3–12\u00a0%" in text, text
    assert ("in every run" if lang == "en" else "в каждом запуске") not in text


@pytest.mark.parametrize("lang", LANGS)
def test_other_work_is_one_value_when_the_runs_round_alike(lang):
    machine = _machine(others_estimate=[0.031, 0.034], others_busy=[0.031, 0.034])
    text = measured.others(machine, lang)
    assert "3\u00a0%" in text and "–" not in text, text
    assert ("in every run" if lang == "en" else "в каждом запуске") in text
    tiny = measured.others(_machine(others_estimate=[0.001, 0.0], others_busy=[0.001, 0.0]), lang)
    assert tiny.startswith(measured._words(lang)["others_all"].split("{")[0])
    assert measured._words(lang)["under"] in tiny and "0–0" not in tiny, tiny


@pytest.mark.parametrize("lang", LANGS)
def test_other_work_that_could_not_be_measured_is_said_to_be_so(lang):
    words = measured._words(lang)
    unmeasurable = _machine(others_estimate=[-0.02, -0.1], others_busy=[None, None])
    text = measured.others(unmeasurable, lang)
    assert text == words["others_none"].format(why=words["why"])
    assert "%" not in text
    some = _machine(others_estimate=[-0.02, 0.05, 0.07], others_busy=[None, 0.05, 0.07])
    text = measured.others(some, lang)
    assert "5–7\u00a0%" in text and words["why"] in text, text
    assert re.search(r"\b2\b.*\b3\b", text), text  # in 2 of the 3 runs


@pytest.mark.parametrize("lang", LANGS)
def test_old_data_s_clamped_zeros_are_not_shown_as_idle(lang):
    """Data written before others_estimate was recorded (CpuMeter then clamped
    an estimate below zero to 0): an exact 0 there is not an idle machine."""
    old = {k: v for k, v in bench.load()["machine"].items() if k != "others_estimate"}
    old["others_busy"] = [0.0, 0.0, 0.0]
    words = measured._words(lang)
    assert measured.others(old, lang) == words["others_none"].format(why=words["why"])


def test_the_meter_says_none_for_an_estimate_below_zero():
    assert bench.CpuMeter.share(-0.01) is None
    assert bench.CpuMeter.share(0.0) == 0.0
    assert bench.CpuMeter.share(0.2) == 0.2
    assert bench.CpuMeter.share(1.5) == 1.0


@pytest.mark.parametrize("lang", LANGS)
def test_the_machine_shows_the_load_average_and_no_degenerate_range(lang):
    data = bench.load()
    text = measured.machine(data, lang)
    for load in data["machine"]["load_before"]:
        assert bench.number(load, lang, 1) in text
    assert not NO_DEGENERATE_RANGE.search(text), text
    assert measured.counted(data["machine"]["cpus"], "logical_cpus", lang) in text


def _computing(**walls) -> dict:
    data = copy.deepcopy(bench.load())
    for row in data["computing"]:
        if row["workload"] in walls:
            low, median, high = walls[row["workload"]]
            row["wall_s"] = {"min": low, "median": median, "max": high, "runs": []}
    return data


@pytest.mark.parametrize("lang", LANGS)
def test_the_computing_comparison_is_true_of_the_committed_data(lang):
    """What the sentence says of the committed runs: neither threads nor tasks
    was faster than one after another in every run; where it says their runs
    overlap, they do; the ranges and the medians' difference it quotes are the
    data's."""
    data = bench.load()
    walls = {row["workload"]: row["wall_s"] for row in data["computing"]}
    sequential = walls["sequential"]
    relations = measured.computing_relations(data)
    sentence = measured.computing_comparison(data, lang)
    for way, relation in relations.items():
        values = walls[way]
        assert relation != "faster"
        overlaps = values["min"] <= sequential["max"] and sequential["min"] <= values["max"]
        assert overlaps == (relation == "overlap"), (way, values, sequential)
    for values in walls.values():
        places = bench.decimals("wall_s", values["median"])
        assert f"{bench.number(values['min'], lang, places)}–" in sentence
        assert bench.quantity(values["max"], "wall_s", lang) in sentence
    if set(relations.values()) == {"overlap"}:
        medians = [values["median"] for values in walls.values()]
        difference = bench.quantity(max(medians) - min(medians), "wall_s", lang)
        assert difference in sentence
        # "differ by at most": no two medians are further apart than that
        shown = float(re.search(r"\d+[.,]\d+", difference).group(0).replace(",", "."))
        assert max(medians) - min(medians) <= shown + 5e-4


@pytest.mark.parametrize("lang", LANGS)
def test_the_computing_comparison_follows_the_runs(lang):
    words = measured._words(lang)
    slower = _computing(
        sequential=(0.20, 0.21, 0.22), threads=(0.30, 0.31, 0.32), tasks=(0.19, 0.21, 0.23)
    )
    assert measured.computing_relations(slower) == {"threads": "slower", "tasks": "overlap"}
    text = measured.computing_comparison(slower, lang)
    assert text.startswith(words["neither"].split("{")[0])
    assert words["way"]["threads"] in text.split(words["way"]["tasks"])[0]
    both = _computing(
        sequential=(0.20, 0.21, 0.22), threads=(0.30, 0.31, 0.32), tasks=(0.25, 0.26, 0.27)
    )
    assert set(measured.computing_relations(both).values()) == {"slower"}
    faster = _computing(
        sequential=(0.20, 0.21, 0.22), threads=(0.19, 0.21, 0.23), tasks=(0.10, 0.11, 0.12)
    )
    with pytest.raises(PluginError, match="faster"):
        measured.computing_comparison(faster, lang)


@pytest.mark.parametrize(
    ("tests", "lang", "words"),
    [
        ({"passed": 1670, "skipped": 6}, "en", "1,670 tests passed, 6 skipped"),
        ({"passed": 1670, "skipped": 6}, "ru", "прошли 1\u00a0670 тестов, пропущено 6"),
        ({"passed": 1, "skipped": 1}, "en", "1 test passed, 1 skipped"),
        ({"passed": 21, "skipped": 1}, "ru", "прошёл 21 тест, пропущен 1"),
        ({"passed": 3, "failed": 2}, "ru", "прошли 3 теста, упало 2"),
        ({"passed": 3, "failed": 2, "errors": 1}, "en", "3 tests passed, 2 failed, 1 error"),
    ],
)
@pytest.mark.about(page="docs/en/how-tested.md", cheap=True)
def test_make_test_s_outcome_says_what_each_number_is(tests, lang, words):
    assert testing.test_outcome(tests, lang) == words


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.about(page="docs/en/how-tested.md", cheap=True)
def test_the_testing_figures_take_the_cpus_and_the_outcome_from_the_data(lang):
    data = json.loads(testing.BENCH.read_text(encoding="utf-8"))
    text = testing.figures(lang)
    assert measured.counted(data["machine"]["cpus"], "cpus", lang) in text
    assert testing.test_outcome(data["tests"], lang) in text
    assert not re.search(r"\b\d+\s*(cores|ядр)", text), text
    assert text == testing.figures(lang, data)
    # A make test carried over from another day and machine says so.
    other = dict(data, make_test_machine={"cpus": 1, "date": "2026-11-30"})
    text = testing.figures(lang, other)
    assert measured.counted(1, "cpus", lang) in text
    assert measured.spoken_date("2026-11-30", lang) in text
    same = dict(data, make_test_machine={k: data["machine"][k] for k in ("cpus", "date")})
    assert testing.figures(lang, same) == testing.figures(lang, data)


def _text(site, lang: str, page: str, prose: bool = False) -> str:
    """A built page's text; ``prose``: its article without tables and code."""
    source = (site / prefix(lang) / page / "index.html").read_text(encoding="utf-8")
    if prose:
        source = source[source.index("<article") : source.index("</article>")]
        source = re.sub(r"<(table|pre)\b.*?</\1>", "", source, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", source))


@pytest.mark.parametrize("lang", LANGS)
def test_the_built_measured_page_says_what_the_data_say(built_site, lang):
    data, text = bench.load(), _text(built_site, lang, "measured")
    for sentence in (
        measured.computing_comparison(data, lang),
        measured.others(data["machine"], lang),
        measured.counted(data["machine"]["cpus"], "cpus", lang),
    ):
        assert re.sub(r"`", "", sentence) in text, sentence
    prose = _text(built_site, lang, "measured", prose=True).replace("\u00a0", " ")
    assert not NO_DEGENERATE_RANGE.search(prose), "a range from a value to itself"
    if lang == "ru":
        assert not re.search(r"\d\s*ядр", text), "the CPUs are «процессоры» on the Russian pages"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.about(page="docs/en/how-tested.md", cheap=True)
def test_the_built_testing_page_names_the_examples_clock(built_site, lang):
    text = _text(built_site, lang, "how-tested")
    assert not re.search(r"honest|честн", text, re.IGNORECASE)
    assert ("the examples' clock" if lang == "en" else "часах примеров") in text
    assert re.sub(r"[`*]", "", testing.figures(lang).splitlines()[0]) in text


LOOP = {
    "date": "2026-12-08",
    "cpus": 2,
    "fresh_clone_ci": {"s": 270.5, "ok": True},
    "warm_nothing_changed": {"s": 6.6, "ok": True},
    "warm_one_page_edited": {"s": 61.0, "ok": False},
    "page_coroutines": {"s": 15.2, "ok": True},
    "page_tasks": {"s": 31.0, "ok": True},
    "beside_a_load": {"ok": False, "runs": [{"s": 400.1, "ok": True}, {"s": 512.0, "ok": False}]},
}


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        (
            "en",
            [
                "on 8 December 2026 (2 CPUs)",
                "| `.ci/run` on a fresh clone: every test from scratch, as CI runs them | 270.5 s |",
                "| `make test` again, nothing changed | 6.6 s |",
                "| `make test` after an edit of one page in both languages | 61.0 s, failed |",
                "| `make test PAGE=docs/en/tasks.md` after an edit of that page | 31.0 s |",
                "2 runs in a row, beside eight busy processes | 400.1–512.0 s, 1 of 2 failed |",
            ],
        ),
        (
            "ru",
            [
                "8 декабря 2026 года (2 процессора)",
                "| `make test` ещё раз, когда ничего не изменилось | 6,6 с |",
                "| `make test` после правки одной страницы на обоих языках | 61,0 с, упал |",
                "на свежих копиях 2 раза подряд",
                "| 400,1–512,0 с, упал 1 из 2 |",
            ],
        ),
    ],
)
@pytest.mark.about(page="docs/en/how-tested.md", cheap=True)
def test_the_loop_figures_say_what_the_data_say_failures_included(lang, shown):
    text = testing.loop(lang, LOOP).replace("\u00a0", " ")
    for part in shown:
        assert part in text, text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.about(page="docs/en/how-tested.md", cheap=True)
def test_the_built_testing_page_shows_the_committed_loop_figures(built_site, lang):
    data = json.loads(testing.LOOP.read_text(encoding="utf-8"))
    text = _text(built_site, lang, "how-tested")
    for key in ("fresh_clone_ci", "warm_nothing_changed", "page_coroutines"):
        assert testing._took(data[key], lang) in text, key
    assert re.sub(r"[`*]", "", testing.loop(lang).splitlines()[0]) in text
