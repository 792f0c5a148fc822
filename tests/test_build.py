"""`mkdocs build --strict` of the whole site passes, every page of every
language is in it, and mkdocs' own link and anchor validation is on."""

from pathlib import Path

import pytest
from mkdocs.config import load_config

from tools.examples.planted import build_with
from tools.site import configs

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("site", cheap=True)


def pages(lang_config):
    config = load_config(str(lang_config))
    return sorted(p.relative_to(config["docs_dir"]) for p in Path(config["docs_dir"]).rglob("*.md"))


@pytest.mark.parametrize(("lang", "config"), configs(), ids=[lang for lang, _ in configs()])
def test_every_page_is_built(built_site, lang, config):
    base = built_site if lang == "en" else built_site / lang
    missing = []
    for page in pages(config):
        html = base / (
            "index.html" if page.stem == "index" else f"{page.with_suffix('')}/index.html"
        )
        if not html.is_file():
            missing.append(f"{page} -> {html.relative_to(built_site)}")
    assert not missing, f"pages of {config.name} missing from the built site: {missing}"
    assert (base / "404.html").is_file()
    assert (base / "search" / "search_index.json").is_file()


@pytest.mark.parametrize(
    ("link", "complaint"),
    [("other.md#no-such-heading", "no-such-heading"), ("missing.md", "missing.md")],
    ids=["broken-anchor", "broken-link"],
)
@pytest.mark.about("nothing")
def test_strict_build_rejects_broken_links(tmp_path, link, complaint):
    """Each language inherits mkdocs.yml's validation; plant a broken link in a
    throw-away docs dir using that config and the build must fail."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(f"# Home\n\nSee [the other page]({link}).\n")
    (docs / "other.md").write_text("# Other\n\n## A heading\n")
    done = build_with("mkdocs.yml", docs, tmp_path / "out", "nav: [index.md, other.md]\n")
    assert done.returncode != 0, "a broken link passed mkdocs build --strict"
    assert complaint in done.stderr, done.stderr


@pytest.mark.about("nothing")
def test_the_site_build_the_tests_trust_is_strict(tmp_path):
    """tools.site.build (make build, and the build every other test uses) fails
    on a broken link: mkdocs' quiet mode would drop the warning uncounted."""
    import uuid

    from tools.site import ROOT, BuildFailed, build

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the other page](missing.md).\n")
    config = ROOT / f".planted-{uuid.uuid4().hex}.yml"
    config.write_text(f"INHERIT: mkdocs.yml\ndocs_dir: {docs}\nnav: [index.md]\n")
    try:
        with pytest.raises(BuildFailed, match="missing.md"):
            build(tmp_path / "out", config_files=[("en", config)])
    finally:
        config.unlink()


def test_no_page_loads_anything_from_another_host(built_site):
    """Read from the built HTML (the browser tests see the requests too): no
    hotlinked image, CDN script, web font or stylesheet from elsewhere."""
    from tools.site import external_resources

    found = external_resources(built_site)
    assert not found, "the site must serve everything itself:\n" + "\n".join(found)


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.about(page="docs/en/how-tested.md", cheap=True)
def test_the_testing_page_shows_the_suites_own_figures(built_site, lang):
    """ "How this site is tested" is made from the tests' own sources: the
    examples the harness reads, the Pythons it finds, the fault suite."""
    import html
    import re

    from hooks import testing
    from tools.faults import FAULTS

    page = built_site / ("" if lang == "en" else "ru") / "how-tested" / "index.html"
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
    counts = re.sub(r"\*\*", "", testing.counts(lang))
    assert counts in text, "the page's counts are not the harness's"
    names = testing.FAULTS_RU if lang == "ru" else {}
    missing = [f.name for f in FAULTS if names.get(f.name, f.name).replace("`", "") not in text]
    assert not missing, f"faults missing from the page: {missing}"
    assert "<!-- testing:" not in page.read_text(encoding="utf-8")


def test_headings_are_unique_on_every_page():
    from tools.examples.blocks import duplicate_headings
    from tools.site import ROOT

    problems = []
    for _, config in configs():
        docs = Path(load_config(str(config))["docs_dir"])
        for page in sorted(docs.rglob("*.md")):
            where = page.relative_to(ROOT).as_posix()
            problems += duplicate_headings(page.read_text(encoding="utf-8"), where)
    assert not problems, "\n".join(problems)
