"""What a reader can trust and how to say something is wrong, on every page:

* the licences in the footer (the prose CC BY 4.0, ``LICENSE``; the example
  programs 0BSD, ``snippets/LICENSE``), and "Report a problem with this page":
  a plain link to a new issue on the repository (``.github/ISSUE_TEMPLATE/
  page.yml``) with the page's address and language filled in, built here, so
  nothing is asked of another host until it is clicked;
* under every page with examples: "Examples checked on 7 December 2026 with
  Python 3.11, 3.12 and 3.13", from :data:`DATA`, which ``make checked``
  (tools/checked.py) writes after every example of the page passed on every
  Python found (tests/test_trust.py fails while a page's examples differ from
  what was checked);
* the sitemap's ``lastmod`` is the day the page's source last changed (git),
  not the day of the build (none in a shallow clone, which cannot tell: the
  workflow that builds the published site fetches the whole history);
* Open Graph tags (``og:title``, ``og:description``, ``og:url``, ``og:locale``
  and its alternates), written by overrides/main.html from :func:`locale`.

The templates call ``trust`` (a global of the theme's environment, set by
:func:`on_env`): ``trust.report_url(page)``, ``trust.checked(page)``,
``trust.words``, ``trust.locale``, ``trust.alternate_locales``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `mkdocs serve` from .venv/bin does not put the project on the path
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "docs" / "data" / "checked.json"
ISSUE_FORM = "page.yml"  # .github/ISSUE_TEMPLATE/page.yml: its fields `page` and `language`
BRANCH = "main"
LICENCES = {"prose": "LICENSE", "code": "snippets/LICENSE"}
LOCALES = {"en": "en_GB", "ru": "ru_RU"}  # og:locale: the dates are written the British way

WORDS = {
    "en": {
        "language": "English",
        "checked": "Examples checked on {date} with Python {pythons}.",
        "and": "and",
        "report": "Report a problem with this page",
        "licence": "Text: {prose}. Code examples: {code}, paste them into your projects freely.",
        "licence_label": "Licences",
    },
    "ru": {
        "language": "Русский",
        "checked": "Примеры проверены {date} на Python {pythons}.",
        "and": "и",
        "report": "Сообщить о проблеме на этой странице",
        "licence": "Текст: {prose}. Примеры кода: {code}, копируйте их в свои проекты свободно.",
        "licence_label": "Лицензии",
    },
}


def words(lang: str) -> dict:
    return WORDS.get(lang, WORDS["en"])


def page_key(lang: str, src_uri: str) -> str:
    """A page's name in :data:`DATA`: ``en/tasks.md``."""
    return f"{lang}/{src_uri}"


def load_checked(path: Path = DATA) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["pages"]
    except FileNotFoundError:
        return {}


def minors(versions: list[str]) -> list[str]:
    """["3.11.7", "3.12.1"] -> ["3.11", "3.12"], in order, each once."""
    found = sorted({".".join(v.split(".")[:2]) for v in versions}, key=lambda m: int(m[2:]))
    return found


def joined(items: list[str], lang: str) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {words(lang)['and']} " + items[-1]


def checked_sentence(entry: dict, lang: str) -> str:
    from hooks.measured import spoken_date

    return words(lang)["checked"].format(
        date=spoken_date(entry["checked"], lang), pythons=joined(minors(entry["pythons"]), lang)
    )


def examples_digest(examples) -> str:
    """What a page shows of its examples (tools/examples/pages.py's reading):
    their form, code and commands, and every output block, with the versions it
    is for. The prose around them is not part of it."""
    shown = [
        (
            e.form,
            e.code,
            e.skip_reason,
            [(r.arguments, [(o.text, repr(o.versions)) for o in r.outputs]) for r in e.runs],
        )
        for e in examples
    ]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:16]


# --- the day each source last changed ---------------------------------------------------


@cache
def last_changes() -> dict[str, str]:
    """Each committed file's last commit date (``YYYY-MM-DD``, the committer's),
    from one ``git log``; a file changed since (or not committed) is today's."""
    changes: dict[str, str] = {}
    try:
        log = subprocess.run(
            [
                "git",
                "log",
                "--format=%x00%cs",
                "--name-only",
                "--no-renames",
                "--",
                "docs",
                "notebooks",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "--", "docs", "notebooks"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return changes
    for commit in log.split("\0")[1:]:
        date, *names = commit.strip().splitlines()
        for name in names:
            changes.setdefault(name.strip(), date)
    today = datetime.date.today().isoformat()
    for line in dirty.splitlines():
        changes[line[3:].strip()] = today
    return changes


def source_of(page, lang: str) -> Path:
    """The file a page is written in: its Markdown, or the notebook's source."""
    from tools import notebook as nbtools

    if page.file.src_uri == nbtools.FILE_NAME:
        return nbtools.source_path(lang)
    return Path(page.file.abs_src_path)


@cache
def shallow() -> bool:
    """A shallow clone (CI's checkout without ``fetch-depth: 0``) knows only
    its last commits: every page would seem changed by the oldest of them."""
    done = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() == "true"


def last_change(source: Path) -> str | None:
    """The day ``source`` last changed: its last commit's, or today if it has
    changed since (or is not in the repository: a page planted by a test);
    None in a shallow clone, which cannot tell (the sitemap then says nothing)."""
    if shallow():
        return None
    today = datetime.date.today().isoformat()
    if not source.resolve().is_relative_to(ROOT):
        return today
    return last_changes().get(source.resolve().relative_to(ROOT).as_posix()) or today


# --- what the templates call ------------------------------------------------------------


class Trust:
    def __init__(self, config):
        self.lang = config["theme"]["language"]
        self.words = words(self.lang)
        self.locale = LOCALES.get(self.lang, self.lang)
        self.alternate_locales = [
            LOCALES.get(alt["lang"], alt["lang"])
            for alt in config["extra"].get("alternate", [])
            if alt["lang"] != self.lang
        ]
        self.site_url = config["site_url"] or ""
        self.repo_url = (config["repo_url"] or "").rstrip("/")
        self.checks = load_checked()

    def licence_url(self, which: str) -> str:
        return f"{self.repo_url}/blob/{BRANCH}/{LICENCES[which]}"

    def report_url(self, page=None) -> str:
        """A new issue on the repository, the page's address and language filled in
        (a 404 page, served at any address, leaves the address to the reader)."""
        fields = {"template": ISSUE_FORM, "language": self.words["language"]}
        if page is not None and getattr(page, "canonical_url", None):
            fields["page"] = page.canonical_url
            fields["title"] = f"{urlsplit(page.canonical_url).path}: "
        return f"{self.repo_url}/issues/new?{urlencode(fields)}"

    def checked(self, page) -> str | None:
        entry = self.checks.get(page_key(self.lang, page.file.src_uri))
        return checked_sentence(entry, self.lang) if entry else None


def on_env(env, config, files):
    env.globals["trust"] = Trust(config)
    lang = config["theme"]["language"]
    for file in files.documentation_pages():
        if file.page is not None:
            file.page.update_date = last_change(source_of(file.page, lang))
    return env
