/* Accessibility fixes to what Material 9.8's script builds (linked from
   overrides/main.html; runs on every page, instant navigation included).
   Each answers an axe-core finding; the browser tests run axe on every page,
   on a desktop and on a touch phone, light and dark. */
(function () {
  "use strict";
  var ru = document.documentElement.lang === "ru";

  /* landmark-unique: Material puts each code block's buttons in a <nav>
     with no name, so a page has many identical navigation landmarks. Each
     is named after its block: "Code block 2: tasks.py". */
  function nameCodeNavs(root) {
    var navs = root.querySelectorAll(".md-code__nav:not([aria-label])");
    var all = root.querySelectorAll(".md-code__nav");
    for (var i = 0; i < navs.length; i++) {
      var nav = navs[i];
      var number = Array.prototype.indexOf.call(all, nav) + 1;
      var block = nav.closest(".highlight");
      var title = block && block.querySelector(":scope > .filename");
      var name = (ru ? "Блок кода " : "Code block ") + number;
      nav.setAttribute("aria-label", title ? name + ": " + title.textContent.trim() : name);
    }
  }

  /* scrollable-region-focusable: a block that scrolls sideways must be
     reachable by keyboard to be scrolled. Material makes a code block
     focusable only on screens with hover, and a wide table's scroll wrapper
     or a notebook cell never; this does it whenever the block overflows
     (checked again when its size changes). */
  var touch = !matchMedia("(hover)").matches;
  var SCROLLERS = [
    ".md-typeset__scrollwrap",
    ".jupyter-wrapper .highlight-ipynb",
    ".jupyter-wrapper .jp-OutputArea",
  ].concat(touch ? [".md-typeset pre > code"] : []).join(", ");
  /* All the reads first, then the writes: a write between two reads would
     make the browser lay the long pages out again for each block. */
  function focusableIfScrolling(elements) {
    var scrolling = elements.map(function (element) {
      return element.scrollWidth > element.clientWidth;
    });
    elements.forEach(function (element, i) {
      if (scrolling[i]) {
        element.setAttribute("tabindex", "0");
      } else if (element.getAttribute("tabindex") === "0") {
        element.removeAttribute("tabindex");
      }
    });
  }

  /* A ResizeObserver reports each block once when it starts watching it,
     after the page's layout, and again whenever its size changes. */
  var watch = typeof ResizeObserver === "function" && new ResizeObserver(function (entries) {
    focusableIfScrolling(entries.map(function (entry) { return entry.target; }));
  });

  function focusableScrollers(root) {
    if (!watch) return;
    var found = root.querySelectorAll(SCROLLERS);
    for (var i = 0; i < found.length; i++) watch.observe(found[i]);
  }

  function fix() {
    nameCodeNavs(document);
    focusableScrollers(document);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(fix); /* every page, instant navigation included */
  } else {
    document.addEventListener("DOMContentLoaded", fix);
  }
})();
