"""Every English page has its translation, with the same examples in the same
order, and a translation (a page, or the notebook's source) that lags behind
its English original says so to readers without breaking the build."""

import gzip
import re
import shutil
import sys
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from mkdocs.config import load_config

from hooks import translations
from tools.examples.pages import load_site
from tools.examples.planted import build_with
from tools.site import ROOT, configs

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("site", cheap=True)

ENGLISH = ROOT / "docs" / "en"
LANGUAGES = [(lang, config) for lang, config in configs() if lang != "en"]
IDS = [lang for lang, _ in LANGUAGES]
XMLNS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def pages(directory):
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*.md"))


def test_there_is_a_translation():
    assert LANGUAGES, "no mkdocs.<lang>.yml: the Russian edition is missing"


@pytest.mark.parametrize(("lang", "config"), [("en", ROOT / "mkdocs.yml"), *LANGUAGES])
def test_each_config_is_set_to_its_own_language(lang, config):
    problems = translations.language_differences(lang, config)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("lang", "config"), LANGUAGES, ids=IDS)
def test_every_page_has_its_twin(lang, config):
    problems = translations.missing_twins(lang)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("lang", "config"), LANGUAGES, ids=IDS)
def test_navigation_lists_the_same_pages_in_the_same_order(lang, config):
    problems = translations.nav_differences(config)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("lang", "config"), LANGUAGES, ids=IDS)
def test_twins_include_the_same_snippets_in_the_same_order(lang, config):
    problems = translations.include_differences(lang)
    assert not problems, "\n".join(problems)


def test_every_translation_records_its_english_version():
    found = translations.translations()
    for lang, _ in LANGUAGES:
        assert ROOT / "notebooks" / f"lesson.{lang}.md" in [t.path for t in found]
        assert len([t for t in found if t.lang == lang]) == len(pages(ENGLISH)) + 1
    unstamped = [
        f"{t.shown}: add `translated_from:` (.venv/bin/python -m hooks.translations --stamp {t.shown})"
        for t in found
        if not re.fullmatch(r"[0-9a-f]{12}", translations.recorded_version(t.path) or "")
    ]
    assert not unstamped, "\n".join(unstamped)


@pytest.mark.about("nothing")
def test_a_notebook_source_is_stamped_in_its_opening_comment(monkeypatch, tmp_path):
    from tools import notebook as nbtools

    english = '# Title\n\n```python\n--8<-- "start/hello_asyncio.py:cell"\nawait main()\n```\n'
    (tmp_path / "lesson.en.md").write_text(english)
    translated = tmp_path / "lesson.ru.md"
    translated.write_text("<!--\nA note.\n-->\n\n" + english.replace("Title", "Заголовок"))
    monkeypatch.setattr(nbtools, "SOURCES", tmp_path)
    [translation] = translations.translations()[-1:]
    assert translation.path == translated and translation.url == "notebook/"
    assert translation.stale and translations.recorded_version(translated) is None
    version = translations.stamp(translated)
    assert translated.read_text().startswith(f"<!--\ntranslated_from: {version}\nA note.\n-->")
    assert not translation.stale
    # The stamp is a maintainer's note: the notebook itself does not change.
    site = load_site(ROOT / "mkdocs.ru.yml")
    cells = nbtools.parse(translated.read_text(), nbtools.expander(site.snippet_config))
    assert cells[0].source == "# Заголовок" and "translated_from" not in str(cells)
    (tmp_path / "lesson.en.md").write_text(english.replace("Title", "A new title"))
    assert translation.stale


@pytest.mark.about("nothing")
def test_the_version_covers_the_page_and_its_snippets(monkeypatch, tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "en" / "p.md").write_text('```python\n--8<-- "x.py"\n```\n')
    (tmp_path / "snippets" / "x.py").write_text("print(1)\n")
    monkeypatch.setattr(translations, "SOURCE", tmp_path / "en")
    monkeypatch.setattr(
        translations, "SNIPPETS", {"base_path": [str(tmp_path / "snippets")], "check_paths": True}
    )
    first = translations.english_version("p.md")
    (tmp_path / "snippets" / "x.py").write_text("print(2)\n")
    second = translations.english_version("p.md")
    (tmp_path / "en" / "p.md").write_text('Text.\n\n```python\n--8<-- "x.py"\n```\n')
    third = translations.english_version("p.md")
    assert len({first, second, third}) == 3


@pytest.mark.about("nothing")
def test_a_stale_translation_shows_a_notice_linking_to_english():
    page = SimpleNamespace(
        meta={"translated_from": "000000000000"},
        file=SimpleNamespace(src_uri="tasks.md"),
        url="tasks/",
    )
    config = {"theme": {"language": "ru"}}
    shown = translations.on_page_markdown("# Задачи\n", page, config, None)
    assert shown.startswith('!!! warning "Перевод отстаёт от английской версии"')
    assert 'href="../../tasks/"' in shown and shown.endswith("# Задачи\n")
    page.meta["translated_from"] = translations.english_version("tasks.md")
    assert translations.on_page_markdown("# Задачи\n", page, config, None) == "# Задачи\n"


@pytest.mark.about("nothing")
def test_editing_english_alone_keeps_the_build_and_lists_the_page(tmp_path):
    """A stale stamp on a copy of the Russian pages: the strict build passes,
    the page shows the notice, and the command lists it."""
    lang, config = LANGUAGES[0]
    docs = tmp_path / lang
    shutil.copytree(ROOT / "docs" / lang, docs)
    for page in docs.glob("*.md"):  # every page current, whatever the checkout's state
        page.write_text(
            re.sub(
                r"translated_from: \w+",
                f"translated_from: {translations.english_version(page.name)}",
                page.read_text(),
            )
        )
    stale = docs / "tasks.md"
    stale.write_text(
        re.sub(r"translated_from: \w+", "translated_from: 000000000000", stale.read_text())
    )
    done = build_with(config.name, docs, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "Перевод отстаёт" in (tmp_path / "out" / "tasks" / "index.html").read_text()
    assert "Перевод отстаёт" not in (tmp_path / "out" / "await" / "index.html").read_text()


@pytest.mark.about("nothing")
def test_the_command_lists_what_is_out_of_date(monkeypatch, capsys):
    monkeypatch.setattr(translations, "version", lambda path: "ffffffffffff")
    monkeypatch.setattr(sys, "argv", ["translations"])
    assert translations.main() == 0
    listed = capsys.readouterr().out
    for lang, _ in LANGUAGES:
        for shown in (f"docs/{lang}/tasks.md", f"notebooks/lesson.{lang}.md"):
            assert f"{shown}: out of date (translated from " in listed
            assert f".venv/bin/python -m hooks.translations --stamp {shown}" in listed


@pytest.mark.about("nothing")
def test_a_stale_notebook_source_shows_the_notice_on_the_notebook_page(monkeypatch):
    page = SimpleNamespace(file=SimpleNamespace(src_uri="notebook.ipynb"), url="notebook/")
    config = {"theme": {"language": "ru"}}
    current = translations.version(translations.nbtools.source_path("en"))
    monkeypatch.setattr(translations, "recorded_version", lambda path: current)
    assert translations.on_page_content("<h1>Урок</h1>", page, config, None) == "<h1>Урок</h1>"
    monkeypatch.setattr(translations, "recorded_version", lambda path: "000000000000")
    shown = translations.on_page_content("<h1>Урок</h1>", page, config, None)
    assert shown.startswith('<div class="admonition warning">') and shown.endswith("<h1>Урок</h1>")
    assert "Перевод отстаёт от английской версии" in shown
    assert 'href="../../notebook/" hreflang="en"' in shown
    other = SimpleNamespace(file=SimpleNamespace(src_uri="tasks.md"), url="tasks/")
    assert translations.on_page_content("<p>x</p>", other, config, None) == "<p>x</p>"


def test_built_site_shows_the_notice_exactly_on_stale_pages(built_site):
    found = translations.translations()
    assert any(t.url == "notebook/" for t in found)
    for translation in found:
        html = built_site / translation.lang / translation.url / "index.html"
        shown = "Перевод отстаёт" in html.read_text(encoding="utf-8")
        assert shown == translation.stale, html


def test_the_sitemaps_name_every_page_s_twins_for_search_engines(built_site):
    """Each language's sitemap.xml (and .gz) gives every page its hreflang
    alternates: that page in every language, English as x-default, each a
    built page. (The pages' heads say the same: tests/test_html.py.)"""
    config = load_config(str(ROOT / "mkdocs.yml"))
    site_url = config["site_url"]
    languages = [a["lang"] for a in config["extra"]["alternate"]]
    prefixes = {
        lang: "" if lang in ("en", "x-default") else f"{lang}/"
        for lang in [*languages, "x-default"]
    }
    checked = 0
    for lang in languages:
        sitemap = built_site / prefixes[lang] / "sitemap.xml"
        text = sitemap.read_text(encoding="utf-8")
        assert gzip.decompress(sitemap.with_suffix(".xml.gz").read_bytes()).decode() == text
        urls = ElementTree.fromstring(text).findall("sm:url", XMLNS)
        for url in urls:
            loc = url.find("sm:loc", XMLNS).text
            page = loc.removeprefix(site_url + prefixes[lang])
            links = [
                (link.get("hreflang"), link.get("href"))
                for link in url.findall("xhtml:link[@rel='alternate']", XMLNS)
            ]
            expected = [(twin, f"{site_url}{prefixes[twin]}{page}") for twin in prefixes]
            assert links == expected, f"{sitemap}: {loc}"
            for _, href in links:
                path = href.removeprefix(site_url)
                assert (built_site / path / "index.html").is_file(), f"{sitemap}: {href}"
            checked += 1
    assert checked == len(languages) * (len(pages(ENGLISH)) + 1)  # the pages and the notebook
