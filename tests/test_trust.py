"""What tells a reader they may trust the site, and how to say it is wrong
(hooks/trust.py), read from the built site in every language, 404 pages included:

* the licences: ``LICENSE`` is CC BY 4.0 (the text), ``snippets/LICENSE``
  0BSD (the example programs), as pyproject.toml says, and every page's footer
  names both, linking to those files;
* every page's footer has "Report a problem with this page", a plain link (no
  script) to a new issue on the repository, its form (.github/ISSUE_TEMPLATE/)
  filled in with the page's address and language;
* the issue forms and their config are valid by GitHub's schemas (check-jsonschema's
  copies, offline), and the pull-request template's commands exist;
* every page with examples says when they were last checked and on which
  Pythons, from docs/data/checked.json, whose record matches the examples the
  page shows now (``make checked`` writes it);
* the sitemaps' ``lastmod`` is the day each page's source last changed (git);
* Open Graph tags: title, description, address, locale and its alternates.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import subprocess
import sys
import tomllib
from collections import defaultdict
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from mkdocs.config import load_config

from hooks import trust
from hooks.measured import spoken_date
from tests.browser.website import language, languages, pages_of
from tests.test_edit_links import expected_source
from tools import checked
from tools.site import ROOT

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("site", cheap=True)

FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"
BIN = Path(sys.executable).parent


@cache
def config(lang: str):
    return load_config(str(language(lang).config))


def every_html(site: Path) -> list[tuple[str, Path]]:
    """(lang, file) of every page, the 404 pages included."""
    found = [(page.lang, page.html(site)) for page in pages_of(site)]
    found += [(lang.code, site / lang.prefix / "404.html") for lang in languages()]
    return found


class Parsed(HTMLParser):
    """A page's Open Graph tags, title, canonical link, footer links and facts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.og: dict[str, list[str]] = defaultdict(list)
        self.title = ""
        self.canonical = None
        self.description = None
        self.footer_links: list[dict] = []
        self.footer_text = ""
        self.footer_tags: list[str] = []
        self.facts: list[str] = []
        self._in = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if tag == "meta" and (values.get("property") or "").startswith("og:"):
            self.og[values["property"]].append(values.get("content") or "")
        if tag == "meta" and values.get("name") == "description":
            self.description = values.get("content")
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical = values.get("href")
        if tag == "title" and not self.title:  # the page's, not an SVG picture's
            self._in = "title"
        if tag == "div" and "md-copyright" in classes:
            self._in, self._depth = "footer", 0
        if tag == "span" and "md-source-file__fact" in classes:
            self._in = "fact"
            self.facts.append("")
        if self._in == "footer":
            self.footer_tags.append(tag)
            self._depth += tag == "div"
            if tag == "a":
                self.footer_links.append(values)
            if any(name.startswith("on") for name in values):
                self.footer_tags.append("on… attribute")

    def handle_endtag(self, tag):
        if self._in == "title" and tag == "title" or self._in == "fact" and tag == "span":
            self._in = None
        elif self._in == "footer" and tag == "div":
            self._depth -= 1
            if self._depth == 0:
                self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "footer":
            self.footer_text += data
        elif self._in == "fact":
            self.facts[-1] += data


def parsed(path: Path) -> Parsed:
    page = Parsed()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- licences -------------------------------------------------------------------------


@pytest.mark.about("nothing")
def test_the_licence_files_are_cc_by_and_0bsd():
    from identify.vendor.licenses import LICENSES

    texts = dict(LICENSES)
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").strip() == texts["CC-BY-4.0"].strip(), (
        "LICENSE must be the text of CC BY 4.0 (the prose)"
    )
    code = (ROOT / "snippets" / "LICENSE").read_text(encoding="utf-8")
    permission = texts["0BSD"].split("\n\n", 1)[1]
    assert code.startswith("Copyright (c) ") and code.endswith(permission), (
        "snippets/LICENSE must be 0BSD, with its copyright line filled in"
    )
    assert "[year]" not in code and "[fullname]" not in code
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    said = project["license"]["text"]
    assert "CC-BY-4.0" in said and "0BSD" in said, f"pyproject.toml's licence: {said!r}"


def test_every_page_names_the_licences_and_links_to_report_a_problem(built_site):
    repo = config("en")["repo_url"].rstrip("/")
    wanted_licences = [f"{repo}/blob/main/LICENSE", f"{repo}/blob/main/snippets/LICENSE"]
    problems = []
    pages = every_html(built_site)
    assert {lang for lang, _ in pages} >= {"en", "ru"}
    for lang, html in pages:
        where = str(html.relative_to(built_site))
        page = parsed(html)
        words = trust.words(lang)
        text = squeeze(page.footer_text)
        licences = [a.get("href") for a in page.footer_links if a.get("rel") == "license"]
        if licences != wanted_licences:
            problems.append(f"{where}: licence links {licences}, expected {wanted_licences}")
        for name in ("CC BY 4.0", "0BSD"):
            if name not in text:
                problems.append(f"{where}: the footer does not name {name}: {text!r}")
        if words["licence"].split(":")[0] not in text:
            problems.append(f"{where}: the footer's licence line is not in {lang}: {text!r}")
        reports = [a for a in page.footer_links if squeeze(a.get("href", "")).startswith(repo)]
        reports = [a for a in reports if "/issues/new" in a["href"]]
        if len(reports) != 1:
            problems.append(f"{where}: {len(reports)} report links in the footer, expected 1")
            continue
        if words["report"] not in text:
            problems.append(f"{where}: the report link does not read {words['report']!r}")
        if set(page.footer_tags) - {"div", "p", "span", "a"}:
            problems.append(f"{where}: the footer holds {sorted(set(page.footer_tags))}")
        url = urlsplit(reports[0]["href"])
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        expected = {"template": trust.ISSUE_FORM, "language": words["language"]}
        if html.name != "404.html":
            address = page.canonical
            expected |= {"page": address, "title": f"{urlsplit(address).path}: "}
        if f"{url.scheme}://{url.netloc}{url.path}" != f"{repo}/issues/new" or query != expected:
            problems.append(f"{where}: report link {reports[0]['href']}\n  expected {expected}")
    assert not problems, "\n".join(problems)


# --- issue forms and the pull-request template ---------------------------------------


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.about("nothing")
def test_the_issue_forms_are_valid(tmp_path):
    forms = sorted(p for p in FORMS.glob("*.yml") if p.name != "config.yml")
    done = check_jsonschema("vendor.github-issue-forms", *forms)
    assert done.returncode == 0, done.stdout + done.stderr
    done = check_jsonschema("vendor.github-issue-config", FORMS / "config.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    # The check can fail: a form whose field has no label.
    planted = tmp_path / "planted.yml"
    planted.write_text("name: x\ndescription: y\nbody:\n  - type: input\n    id: a\n")
    assert check_jsonschema("vendor.github-issue-forms", planted).returncode != 0


def form_ids(name: str) -> set[str]:
    form = yaml.safe_load((FORMS / name).read_text(encoding="utf-8"))
    return {item["id"] for item in form["body"] if "id" in item}


@pytest.mark.about("nothing")
def test_the_issue_forms_ask_what_a_report_needs():
    assert {"page", "python", "os", "output"} <= form_ids("example.yml")
    assert {"page", "language", "what"} <= form_ids("page.yml")
    assert {"page", "what"} <= form_ids("translation.yml")
    # The report link fills in these fields of the form it opens.
    assert {"page", "language"} <= form_ids(trust.ISSUE_FORM)


@pytest.mark.about("nothing")
def test_the_pull_request_template_lists_commands_that_exist():
    import importlib.util

    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    boxes = re.findall(r"^- \[ \] (.*)$", text, re.MULTILINE)
    assert len(boxes) >= 5, boxes
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    commands = [c for box in boxes for c in re.findall(r"`([^`]+)`", box)]
    missing = []
    for command in commands:
        for part in command.split("&&"):
            words = part.split()
            if words[0] == "make" and words[1] not in targets:
                missing.append(f"{command}: no target {words[1]} in the Makefile")
            tool = words[0].rsplit("/", 1)[-1]
            if words[0].startswith(".venv/bin/") and not (BIN / tool).is_file():
                missing.append(f"{command}: {words[0]} is not in the virtualenv")
            if words[:2] == [".venv/bin/python", "-m"] and not importlib.util.find_spec(words[2]):
                missing.append(f"{command}: no module {words[2]}")
    assert any(c.startswith("make test") for c in commands), commands
    assert not missing, "\n".join(missing)


# --- when the examples were checked ---------------------------------------------------


@cache
def examples_by_page() -> dict[str, list]:
    return checked.examples_by_page(ROOT)


def test_the_record_of_checked_examples_is_current():
    problems = checked.problems(ROOT)
    assert not problems, "\n".join(problems)


@pytest.mark.about("nothing")
def test_a_changed_example_makes_its_record_stale():
    by_page = examples_by_page()
    record = {}
    for page, shown in by_page.items():
        lang, name = page.split("/", 2)[1:]
        record[trust.page_key(lang, name)] = {
            "examples": trust.examples_digest(shown),
            "checked": "2026-12-07",
            "pythons": ["3.11.7"],
        }
    assert checked.record_problems(record, by_page) == []
    page = "docs/en/tasks.md"
    first = by_page[page][0]
    run = first.runs[0]
    output = dataclasses.replace(run.outputs[0], text=run.outputs[0].text + "one more line\n")
    changed = dataclasses.replace(first, runs=[dataclasses.replace(run, outputs=[output])])
    problems = checked.record_problems(record, {**by_page, page: [changed, *by_page[page][1:]]})
    assert problems == [
        (
            f"{page}:{first.line}: its examples differ from those checked on 7 December 2026 "
            "(docs/data/checked.json): run `make checked` (it runs every example on every Python "
            "and records the pages), and commit docs/data/checked.json"
        )
    ]


def test_every_page_with_examples_says_when_they_were_checked(built_site):
    from tools.examples.exercises import lesson_pages

    record = trust.load_checked()
    with_examples = {(page.split("/")[1], page.split("/", 2)[2]) for page in examples_by_page()}
    for lang in languages():
        for name in lesson_pages(lang.config):
            assert (lang.code, name) in with_examples, f"lesson page {lang.code}/{name}"
    problems = []
    for page in pages_of(built_site):
        facts = [squeeze(f) for f in parsed(page.html(built_site)).facts]
        source = page.source
        name = source.relative_to(language(page.lang).docs_dir).as_posix() if source else None
        if (page.lang, name) not in with_examples:
            if facts:
                problems.append(f"{page.url_path}: no examples, yet it says {facts}")
            continue
        entry = record[trust.page_key(page.lang, name)]
        minors = [".".join(v.split(".")[:2]) for v in entry["pythons"]]
        date = spoken_date(entry["checked"], page.lang)
        if len(facts) != 1 or date not in facts[0] or not all(m in facts[0] for m in minors):
            problems.append(f"{page.url_path}: says {facts}, expected {date} and {minors}")
    assert not problems, "\n".join(problems)


def test_the_checked_sentence_in_each_language():
    entry = {"checked": "2026-12-07", "pythons": ["3.11.7", "3.12.1", "3.13.0"]}
    assert trust.checked_sentence(entry, "en") == (
        "Examples checked on 7 December 2026 with Python 3.11, 3.12 and 3.13."
    )
    assert trust.checked_sentence(entry, "ru") == (
        "Примеры проверены 7 декабря 2026 года на Python 3.11, 3.12 и 3.13."
    )


# --- sitemaps and Open Graph ----------------------------------------------------------


def git_last_change(path: Path) -> str:
    relative = path.relative_to(ROOT).as_posix()
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--", relative],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    logged = subprocess.run(
        ["git", "log", "-1", "--format=%cs", "--", relative],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return datetime.date.today().isoformat() if changed or not logged else logged


def test_the_sitemaps_lastmod_is_each_pages_last_change(built_site):
    if trust.shallow():  # it cannot tell: no page may claim a date
        sitemaps = [built_site / lang.prefix / "sitemap.xml" for lang in languages()]
        assert not any("<lastmod>" in s.read_text("utf-8") for s in sitemaps)
        return
    problems, seen = [], 0
    for page in pages_of(built_site):
        sitemap = (built_site / language(page.lang).prefix / "sitemap.xml").read_text("utf-8")
        address = f"{config(page.lang)['site_url']}{page.path}"
        found = re.search(rf"<loc>{re.escape(address)}</loc>\s*<lastmod>([^<]*)</lastmod>", sitemap)
        source = expected_source(page)
        expected = git_last_change(source)
        seen += 1
        if not found or found.group(1) != expected:
            said = found.group(1) if found else "nothing"
            problems.append(f"{address}: lastmod {said}, but {source.name} last changed {expected}")
    assert seen >= 2 * len(languages())
    assert not problems, "\n".join(problems)


def test_every_page_has_open_graph_tags(built_site):
    problems = []
    for lang, html in every_html(built_site):
        where = str(html.relative_to(built_site))
        page = parsed(html)
        og = {key: values for key, values in page.og.items()}
        site_name = config(lang)["site_name"]
        title = squeeze(page.title)
        expected = {
            "og:type": ["website"],
            "og:site_name": [site_name],
            "og:title": [title.removesuffix(f" - {site_name}")],
            "og:description": [page.description],
            "og:locale": [trust.LOCALES[lang]],
        }
        if html.name != "404.html":
            expected["og:url"] = [page.canonical]
            expected["og:locale:alternate"] = [
                trust.LOCALES[other.code] for other in languages() if other.code != lang
            ]
        if og != expected:
            problems.append(f"{where}: {og}\n  expected {expected}")
        if html.name != "404.html" and not (page.canonical or "").startswith(
            config(lang)["site_url"]
        ):
            problems.append(f"{where}: og:url {page.canonical} is not on the site")
    assert not problems, "\n".join(problems)


@pytest.mark.about("nothing")
def test_the_published_site_is_built_from_the_whole_history():
    """The job that builds the site pages.yml deploys checks out every commit:
    a shallow checkout would give every page the same lastmod (or, here, none)."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    building = [
        job
        for job in workflow["jobs"].values()
        if any(step.get("with", {}).get("name") == "site" for step in job.get("steps", []))
    ]
    assert building, "ci.yml has no job that uploads the site"
    for job in building:
        checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
        assert checkout.get("with", {}).get("fetch-depth") == 0, (
            f".github/workflows/ci.yml: {job.get('name')}: the checkout needs `fetch-depth: 0` "
            "(hooks/trust.py reads each page's last commit for the sitemap's lastmod)"
        )
