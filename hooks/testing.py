"""The page "How this site is tested": its figures come from the tests' and
the benchmarks' own sources, not typed by hand.

Markers in a page, each replaced by Markdown in the page's language:

* ``<!-- testing:counts -->``: how many examples the pages show, how many
  runs that makes on the Pythons found, how many are timed (and so run in
  real time too), how many Jupyter forms and exercises (tools/examples);
* ``<!-- testing:faults -->``: the contributor mistakes the fault suite plants,
  and the test that catches each (tools/faults.py);
* ``<!-- testing:tools -->``: the browser and validators, at the versions the
  lock files pin;
* ``<!-- testing:figures -->``: the last ``make bench`` (docs/data/bench.json):
  the examples on their clock and in real time, the build, ``make test``
  (how many tests passed and were skipped), with the date and the CPU count
  the file records.

Counts written in Russian agree with their number (``hooks/russian.py``).
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `mkdocs serve` from .venv/bin does not put the project on the path
    sys.path.insert(0, str(ROOT))

from hooks.russian import plural

MARK = re.compile(r"<!-- testing:(?P<name>[a-z]+) -->")
BENCH = ROOT / "docs" / "data" / "bench.json"
LOOP = ROOT / "docs" / "data" / "bench_loop.json"

TEXT = {
    "en": {
        "counts": (
            "This site's pages show **{examples} examples** ({distinct} different programs, the "
            "same in both languages): {scripts} scripts, {jupyter} Jupyter forms and {repl} "
            "transcripts of the asyncio REPL; {timed} of them show when each line comes. The "
            "lesson pages end with {exercises} exercises, whose answers are examples too. "
            "The tests run every example on "
            "**{pythons} {w_pythons}**: {runs} runs (each distinct program once per Python), plus "
            "{real} runs in real time."
        ),
        "fault": "- {name}: caught by `{test}`",
        "tools": (
            "- Chromium, driven by Playwright {playwright}: every page, desktop and phone, "
            "light and dark.\n"
            "- axe-core {axe}: accessibility, on every page in each of those four modes.\n"
            "- The Nu Html Checker {vnu}: valid HTML, every page.\n"
            "- Lighthouse {lighthouse}: speed and accessibility scores (a benchmark, "
            "`make lighthouse`)."
        ),
        "figures": (
            "Measured by `make bench` on {date} ({cpus}, Python {python}):\n\n"
            "| what | figure |\n|---|---|\n"
            "| the {count} English examples, one after another, on the examples' clock | "
            "{virtual} s |\n"
            "| the same in real time | {real} s ({waited} s of it waiting) |\n"
            "| of those, the same lines in the same order at the same times (±0.1 s) | "
            "{agree} of {count} |\n"
            "| `mkdocs build --strict` of the whole site | {build} s |\n"
            "| `make test`: {tests}{elsewhen} | {make_test} |"
        ),
        # make test's outcome, from pytest's summary line
        "tests": {
            "passed": "{n} {tests} passed",
            "skipped": "{n} skipped",
            "failed": "{n} failed",
            "error": "{n} {errors}",
        },
        "elsewhen": " (measured on {date}, {cpus})",
        "no_figures": "(`make bench` has not been run on this checkout yet.)",
        "loop": (
            "Measured by `make bench-loop` on {date} ({cpus}):\n\n"
            "| what a contributor waits for | time |\n|---|---|\n"
            "| `.ci/run` on a fresh clone: every test from scratch, as CI runs them | {fresh} |\n"
            "| `make test` again, nothing changed | {nothing} |\n"
            "| `make test` after an edit of one page in both languages | {edited} |\n"
            "| `make test PAGE=docs/en/coroutines.md` after an edit of that page | "
            "{coroutines} |\n"
            "| `make test PAGE=docs/en/tasks.md` after an edit of that page | {tasks} |\n"
            "| `.ci/run` on fresh clones, {runs} {w_times} in a row, beside eight busy processes | "
            "{loaded} |"
        ),
        "loop_failed": "{s} s, failed",
        "loop_runs": "{runs}, {passed}",
        "loop_all_passed": "all passed",
        "loop_some_failed": "{failed} of {count} failed",
        "no_loop": "(`make bench-loop` has not been run on this checkout yet.)",
        "not_measured": "not measured yet",
    },
    "ru": {
        "counts": (
            "На страницах сайта **{examples} {w_examples}** ({distinct} {w_programs}, одних и "
            "тех же на обоих языках): {scripts} {w_scripts}, {jupyter} {w_jupyter} для Jupyter "
            "и {repl} {w_repl} REPL asyncio; {timed} из них {w_show}, когда появляется каждая "
            "строка. "
            "Страницы урока заканчиваются упражнениями, их {exercises}, и ответы к ним — тоже "
            "примеры. Тесты запускают каждый пример на "
            "**{pythons} {w_pythons} Python**: {runs} {w_runs} (каждая программа — по разу на каждой "
            "версии) и ещё {real} в реальном времени."
        ),
        "fault": "- {name}: ловит `{test}`",
        "tools": (
            "- Chromium под управлением Playwright {playwright}: каждая страница, на компьютере "
            "и на телефоне, в светлой и тёмной теме.\n"
            "- axe-core {axe}: доступность, на каждой странице во всех четырёх режимах.\n"
            "- Nu Html Checker {vnu}: корректный HTML на каждой странице.\n"
            "- Lighthouse {lighthouse}: оценки скорости и доступности (это замер, а не тест: "
            "`make lighthouse`)."
        ),
        "figures": (
            "Замерено командой `make bench` {date} ({cpus}, Python {python}):\n\n"
            "| что | сколько |\n|---|---|\n"
            "| {count} {w_count} подряд, на часах примеров | {virtual} с |\n"
            "| то же в реальном времени | {real} с (из них {waited} с ожидания) |\n"
            "| из них напечатали те же строки в том же порядке и в то же время (±0,1 с) | "
            "{agree} из {count} |\n"
            "| `mkdocs build --strict` всего сайта | {build} с |\n"
            "| `make test`: {tests}{elsewhen} | {make_test} |"
        ),
        "tests": {
            "passed": "{passed} {n} {tests}",
            "skipped": "{skipped} {n}",
            "failed": "{failed} {n}",
            "error": "{n} {errors}",
        },
        "elsewhen": " (замерено {date}, {cpus})",
        "no_figures": "(`make bench` в этой копии проекта ещё не запускали.)",
        "loop": (
            "Замерено командой `make bench-loop` {date} ({cpus}):\n\n"
            "| чего ждёт автор правки | сколько |\n|---|---|\n"
            "| `.ci/run` на свежей копии: все тесты с нуля, как в CI | {fresh} |\n"
            "| `make test` ещё раз, когда ничего не изменилось | {nothing} |\n"
            "| `make test` после правки одной страницы на обоих языках | {edited} |\n"
            "| `make test PAGE=docs/en/coroutines.md` после правки этой страницы | "
            "{coroutines} |\n"
            "| `make test PAGE=docs/en/tasks.md` после правки этой страницы | {tasks} |\n"
            "| `.ci/run` на свежих копиях {runs} {w_times} подряд, рядом с восемью "
            "процессами, занятыми счётом | {loaded} |"
        ),
        "loop_failed": "{s} с, упал",
        "loop_runs": "{runs}, {passed}",
        "loop_all_passed": "все прошли",
        "loop_some_failed": "{w_failed} {failed} из {count}",
        "no_loop": "(`make bench-loop` в этой копии проекта ещё не запускали.)",
        "not_measured": "ещё не замерено",
    },
}


@cache
def _exercises(lang: str) -> int:
    """How many exercises the lesson pages of a language end with."""
    from tools.examples import exercises
    from tools.examples.pages import load_site
    from tools.site import configs

    config = dict(configs(ROOT)).get(lang, ROOT / "mkdocs.yml")
    site = load_site(config)
    return sum(
        len(exercises.exercises_of(site, site.docs_dir / page)[0])
        for page in exercises.lesson_pages(config)
    )


@cache
def _examples():
    from tools.examples.pages import collect

    return collect()[0]


# The fault suite's mistakes in Russian, for the Russian page (tools/faults.py names them in English).
FAULTS_RU = {
    "a syntax error in a snippet": "синтаксическая ошибка в программе",
    'an exception inside the `if __name__ == "__main__":` guard': (
        'исключение внутри `if __name__ == "__main__":`'
    ),
    "a wrong output shown under an example": "под примером показан не тот вывод",
    "a wrong time shown": "показано не то время",
    "an example in a fence written tagged `Python`, with a wrong output": (
        "пример в блоке с пометкой `Python` и неверным выводом"
    ),
    "an example in a fence written tagged `python3`, with a wrong output": (
        "пример в блоке с пометкой `python3` и неверным выводом"
    ),
    "an example in a fence written tagged `py3`, with a wrong output": (
        "пример в блоке с пометкой `py3` и неверным выводом"
    ),
    "an example in a fence written with `~~~`, with a wrong output": (
        "пример в блоке `~~~` с неверным выводом"
    ),
    "an example in a fence written with attributes, with a wrong output": (
        "пример в блоке с атрибутами и неверным выводом"
    ),
    "an example in a fence written inside an admonition, with a wrong output": (
        "пример внутри врезки (admonition) с неверным выводом"
    ),
    "an example in a fence written inside `<details>`, with a wrong output": (
        "пример внутри `<details>` с неверным выводом"
    ),
    "an example as an indented code block (no fence)": (
        "пример набран отступом, а не в тройных обратных кавычках"
    ),
    "an include of a missing file": "подключение несуществующего файла",
    "an include of a missing section": "подключение несуществующего раздела файла",
    "a block that never finishes": "пример, который никогда не заканчивается",
    "a block reading input()": "пример, который читает input()",
    'a "never awaited" warning the page does not show': (
        "предупреждение «never awaited», которого нет на странице"
    ),
    "output that depends on the order of a set, shown as fixed": (
        "вывод зависит от порядка элементов множества, а показан как неизменный"
    ),
    "an output block moved under the wrong example": "вывод перенесён под чужой пример",
    "a Jupyter tab whose code differs from its script tab": (
        "код на вкладке Jupyter не совпадает с вкладкой скрипта"
    ),
    "a text block under an example with no output marker": (
        "текстовый блок под примером без пометки, что это вывод"
    ),
    "a skipped example that the allow-list does not name": (
        "пропущенный пример, которого нет в списке разрешённых"
    ),
    "a page missing its translation": "у страницы нет перевода",
    "a translation that shows a different example": "в переводе другой пример",
    "a page missing from one language's nav": "страницы нет в навигации одного из языков",
    "a broken internal link": "битая внутренняя ссылка",
    "a lesson page whose exercise is not its last section": (
        "упражнение — не последний раздел страницы урока"
    ),
    "an exercise's answer titled with the answer": "заголовок ответа выдаёт ответ",
    "a broken anchor": "ссылка на несуществующий якорь",
    "a hotlinked image": "картинка с чужого сайта",
    "a notebook cell that raises": "ячейка блокнота падает с ошибкой",
    "a snippet the notebook includes, changed without `make notebook`": (
        "программа из блокнота изменена без `make notebook`"
    ),
    "a snippet drawn in a timeline, changed without `make timelines`": (
        "программа, по которой нарисована временная шкала, изменена без `make timelines`"
    ),
    "a timeline under another example's output": "временная шкала под выводом чужого примера",
    "`continue-on-error: true` on CI's test step": (
        "`continue-on-error: true` на шаге CI, который запускает тесты"
    ),
    "`.ci/run` that passes when `make test` fails": "`.ci/run` проходит, когда `make test` падает",
    "`--ignore=tests/browser` in the Makefile's test target": (
        "`--ignore=tests/browser` в цели `test` в Makefile"
    ),
    "`-k 'not real_time'` in pytest's `addopts`": "`-k 'not real_time'` в `addopts` для pytest",
    "the `fences` pre-commit hook removed": "удалён хук pre-commit `fences`",
    "a command in the README that does not exist (`make check`)": (
        "в README команда, которой нет (`make check`)"
    ),
    "a Makefile target removed while the README shows it (`bench`)": (
        "из Makefile удалена цель, которую показывает README (`bench`)"
    ),
    "`mkdocs-material>=9` unpinned in `requirements.lock`": (
        "`mkdocs-material>=9` в `requirements.lock`: версия не закреплена"
    ),
    "every workflow's checkout pinned to a made-up commit, its comment unchanged": (
        "checkout во всех workflow закреплён за выдуманным коммитом, а комментарий прежний"
    ),
}


def _number(value: float, lang: str) -> str:
    text = f"{value:,}".replace(",", "\u00a0" if lang == "ru" else ",")
    return text.replace(".", ",") if lang == "ru" else text


def counts(lang: str) -> str:
    from tools.examples import pythons

    examples = _examples()
    forms = {
        form: sum(1 for e in examples if e.form == form) for form in ("script", "jupyter", "pycon")
    }
    distinct = {
        (e.form, e.code, r.arguments) for e in examples for r in e.runs if not e.skip_reason
    }
    timed = {(e.form, e.code) for e in examples if e.timed}
    found = len(pythons.interpreters())
    answers = _exercises(lang)
    distinct_programs = len({(e.form, e.code) for e in examples})
    words = {
        "w_examples": plural(len(examples), "пример", "примера", "примеров"),
        "w_programs": plural(
            distinct_programs, "разная программа", "разные программы", "разных программ"
        ),
        "w_scripts": plural(forms["script"], "скрипт", "скрипта", "скриптов"),
        "w_jupyter": plural(forms["jupyter"], "форма", "формы", "форм"),
        "w_repl": plural(forms["pycon"], "сеанс", "сеанса", "сеансов"),
        "w_runs": plural(len(distinct) * found, "запуск", "запуска", "запусков"),
        # на 1 (21…) версии Python, на 2 (5…) версиях Python
        "w_pythons": plural(found, "версии", "версиях", "версиях"),
        "w_show": plural(
            len([e for e in examples if e.timed]), "показывает", "показывают", "показывают"
        ),
    }
    if lang != "ru":
        words["w_pythons"] = "Python" if found == 1 else "Pythons"
    return TEXT[lang]["counts"].format(
        **words,
        examples=_number(len(examples), lang),
        distinct=_number(distinct_programs, lang),
        scripts=forms["script"],
        jupyter=forms["jupyter"],
        repl=forms["pycon"],
        timed=len([e for e in examples if e.timed]),
        exercises=answers,
        pythons=found,
        runs=_number(len(distinct) * found, lang),
        real=len(timed),
    )


def faults(lang: str) -> str:
    from tools.faults import FAULTS

    line = TEXT[lang]["fault"]
    names = FAULTS_RU if lang == "ru" else {}
    return "\n".join(
        line.format(name=names.get(f.name, f.name), test=f.caught_by.split("::")[-1])
        for f in FAULTS
    )


def _locked(path: Path, package: str) -> str:
    if not path.is_file():
        return "?"
    if path.name == "requirements.lock":
        found = re.search(rf"^{re.escape(package)}==(\S+)$", path.read_text(), re.MULTILINE)
        return found.group(1) if found else "?"
    if not path.is_file():
        return "?"
    lock = json.loads(path.read_text(encoding="utf-8"))
    return lock.get("packages", {}).get(f"node_modules/{package}", {}).get("version", "?")


def tools(lang: str) -> str:
    locks = sorted(ROOT.glob("tools/*/package-lock.json"))

    def npm(package: str) -> str:
        return next((v for v in (_locked(p, package) for p in locks) if v != "?"), "?")

    return TEXT[lang]["tools"].format(
        playwright=_locked(ROOT / "requirements.lock", "playwright"),
        axe=npm("axe-core"),
        vnu=npm("vnu-jar"),
        lighthouse=npm("lighthouse"),
    )


def test_outcome(tests: dict, lang: str) -> str:
    """pytest's counts as a sentence: "1,670 tests passed, 6 skipped" (en),
    "прошли 1 670 тестов, пропущено 6" (ru); failures and errors too."""
    words = TEXT[lang]["tests"]
    parts = []
    for outcome in ("passed", "failed", "error", "skipped"):
        n = sum(count for name, count in tests.items() if name.rstrip("s") == outcome)
        if not n and outcome != "passed":
            continue
        if lang == "ru":
            forms = {
                "tests": plural(n, "тест", "теста", "тестов"),
                "passed": plural(n, "прошёл", "прошли", "прошли"),
                "skipped": plural(n, "пропущен", "пропущено", "пропущено"),
                "failed": plural(n, "упал", "упало", "упало"),
                "errors": plural(n, "ошибка", "ошибки", "ошибок"),
            }
        else:
            forms = {
                "tests": "test" if n == 1 else "tests",
                "errors": "error" if n == 1 else "errors",
            }
        parts.append(words[outcome].format(n=_number(n, lang), **forms))
    return ", ".join(parts)


def figures(lang: str, data: dict | None = None) -> str:
    """The table of the last ``make bench`` (``data``: BENCH's content)."""
    from hooks import measured

    words = TEXT[lang]
    if data is None:
        if not BENCH.is_file():
            return words["no_figures"]
        data = json.loads(BENCH.read_text(encoding="utf-8"))
    machine, examples = data["machine"], data["examples"]
    tests = data.get("tests", {})
    unit = " с" if lang == "ru" else " s"
    make_test = (
        f"{_number(data['make_test_s'], lang)}{unit}"
        if "make_test_s" in data
        else words["not_measured"]
    )
    # `make bench --no-make-test` keeps the last make test's figure, with the
    # date and CPUs it was measured with (tools/bench.py); say so if they differ.
    # A file written before those were recorded had them all from one run.
    elsewhen = ""
    tested_on = data.get("make_test_machine")
    if tested_on and (tested_on["date"], tested_on["cpus"]) != (machine["date"], machine["cpus"]):
        elsewhen = words["elsewhen"].format(
            date=measured.spoken_date(tested_on["date"], lang),
            cpus=measured.counted(tested_on["cpus"], "cpus", lang),
        )
    return words["figures"].format(
        date=measured.spoken_date(machine["date"], lang),
        cpus=measured.counted(machine["cpus"], "cpus", lang),
        python=machine["python"],
        count=examples["count"],
        virtual=_number(examples["virtual_s"], lang),
        real=_number(examples["real_s"], lang),
        waited=_number(examples["waited_s"], lang),
        agree=examples["agree"],
        build=_number(data["build_s"], lang),
        w_count=plural(
            examples["count"], "английский пример", "английских примера", "английских примеров"
        ),
        tests=test_outcome(tests, lang) if tests else "?",
        elsewhen=elsewhen,
        make_test=make_test,
    )


def _took(result: dict | None, lang: str) -> str:
    """One figure of bench_loop.json: "6.6 s" (or "… failed")."""
    words = TEXT[lang]
    if not result:
        return words["not_measured"]
    unit = " с" if lang == "ru" else " s"
    if result.get("ok"):
        return f"{_number(result['s'], lang)}{unit}"
    return words["loop_failed"].format(s=_number(result["s"], lang))


def loop(lang: str, data: dict | None = None) -> str:
    """The table of the last ``make bench-loop`` (``data``: LOOP's content)."""
    from hooks import measured

    words = TEXT[lang]
    if data is None:
        if not LOOP.is_file():
            return words["no_loop"]
        data = json.loads(LOOP.read_text(encoding="utf-8"))
    unit = " с" if lang == "ru" else " s"
    loaded = data.get("beside_a_load") or {}
    runs = loaded.get("runs", [])
    if runs:
        seconds = [run["s"] for run in runs]
        failed = sum(not run["ok"] for run in runs)
        passed = (
            words["loop_all_passed"]
            if not failed
            else words["loop_some_failed"].format(
                failed=failed, count=len(runs), w_failed=plural(failed, "упал", "упали", "упали")
            )
        )
        span = _number(min(seconds), lang)
        if max(seconds) != min(seconds):
            span += f"–{_number(max(seconds), lang)}"
        loaded_text = words["loop_runs"].format(runs=span + unit, passed=passed)
    else:
        loaded_text = words["not_measured"]
    return words["loop"].format(
        date=measured.spoken_date(data["date"], lang),
        cpus=measured.counted(data["cpus"], "cpus", lang),
        fresh=_took(data.get("fresh_clone_ci"), lang),
        nothing=_took(data.get("warm_nothing_changed"), lang),
        edited=_took(data.get("warm_one_page_edited"), lang),
        coroutines=_took(data.get("page_coroutines"), lang),
        tasks=_took(data.get("page_tasks"), lang),
        runs=len(runs) or "?",
        w_times=(
            plural(len(runs), "раз", "раза", "раз")
            if lang == "ru"
            else ("run" if len(runs) == 1 else "runs")
        ),
        loaded=loaded_text,
    )


def on_page_markdown(markdown, page, config, files):
    if "<!-- testing:" not in markdown:
        return markdown
    lang = config["theme"]["language"] if config["theme"]["language"] in TEXT else "en"
    makers = {
        "counts": counts,
        "faults": faults,
        "tools": tools,
        "figures": figures,
        "loop": loop,
    }

    def replace(match: re.Match) -> str:
        name = match.group("name")
        if name not in makers:
            from mkdocs.exceptions import PluginError

            raise PluginError(f"{page.file.src_uri}: no such marker <!-- testing:{name} -->")
        return makers[name](lang)

    return MARK.sub(replace, markdown)
