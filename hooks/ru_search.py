"""Russian search: let a query in one word form find the other forms.

Material's search worker appends "*" to every query word ("задачи" -> "задачи*")
and lunr never runs a wildcard term through the search pipeline, so the query
word is never stemmed; it only prefix-matches the indexed tokens. This hook
appends a few lines to the lunr.ru script that the worker loads (only when the
search language includes "ru"): they stem Cyrillic wildcard terms with lunr's
own Russian stemmer, so "задачи*" becomes "задач*", which matches "задача".
"""

from pathlib import Path

MARK = "/* ru-stem-query */"
PATCH = (
    MARK
    + r"""
;(function (lunr) {
  if (!lunr || !lunr.ru || !lunr.ru.stemmer || lunr.Query.prototype.clause.ruStem) return
  var clause = lunr.Query.prototype.clause
  var patched = function (c) {
    var m = typeof c.term === "string" && /^([а-яё]+)\*$/.exec(c.term)
    if (m) c.term = lunr.ru.stemmer(m[1]) + "*"
    return clause.call(this, c)
  }
  patched.ruStem = true
  lunr.Query.prototype.clause = patched
})(self.lunr);
"""
)


def on_post_build(config, **kwargs):
    path = Path(config.site_dir, "assets/javascripts/lunr/min/lunr.ru.min.js")
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if MARK not in text:
            path.write_text(text + "\n" + PATCH, encoding="utf-8")
