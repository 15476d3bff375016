/*
 * Typesets the math on a page with the bundled KaTeX (no CDN, works offline).
 *
 * pymdownx.arithmatex (generic mode) leaves the TeX source as plain text in
 * elements with class "arithmatex": "\(...\)" for inline math and "\[...\]"
 * for display math. We read that source with textContent (never as HTML),
 * strip the delimiters and let katex.render build the markup. Invalid TeX is
 * shown in place, in red, instead of breaking the page.
 */
(function () {
  "use strict";

  var DELIMITERS = [
    { open: "\\(", close: "\\)", display: false },
    { open: "\\[", close: "\\]", display: true }
  ];

  function parse(source) {
    var text = source.trim();
    for (var i = 0; i < DELIMITERS.length; i++) {
      var d = DELIMITERS[i];
      if (
        text.length >= d.open.length + d.close.length &&
        text.slice(0, d.open.length) === d.open &&
        text.slice(-d.close.length) === d.close
      ) {
        return {
          tex: text.slice(d.open.length, text.length - d.close.length),
          display: d.display
        };
      }
    }
    return null;
  }

  function renderMath(root) {
    if (typeof katex === "undefined") {
      return;
    }
    var elements = (root || document).querySelectorAll(".arithmatex");
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      // Instant navigation can hand us the same element twice; render once.
      if (el.getAttribute("data-math-rendered") === "true") {
        continue;
      }
      var math = parse(el.textContent || "");
      if (math === null) {
        continue;
      }
      try {
        katex.render(math.tex, el, {
          displayMode: math.display,
          throwOnError: false,
          // Paper abstracts are not always strict LaTeX; don't flood the console.
          strict: "ignore",
          // Abstracts are untrusted: no \href, \url, \htmlData or other commands that
          // write links or attributes (KaTeX's default, stated so it cannot drift).
          trust: false,
          // Keep hostile input from producing absurdly large boxes.
          maxSize: 100,
          maxExpand: 1000
        });
        el.setAttribute("data-math-rendered", "true");
      } catch (error) {
        // Leave the TeX source visible if KaTeX fails for any other reason.
        if (window.console && console.warn) {
          console.warn("Could not typeset math:", error);
        }
      }
    }
  }

  /* Search results show the indexed text of a page, where math is its TeX between \( and
     \): each such span of a text node becomes an .arithmatex element, typeset as on the
     pages. Only text nodes are touched (the result's own markup, such as the marks on
     matched words, stays), and their text is moved with textContent, never read as HTML. */
  var INLINE_MATH = /\\\((.+?)\\\)/;

  function typesetResults(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var found = [];
    while (walker.nextNode()) {
      var node = walker.currentNode;
      if (INLINE_MATH.test(node.nodeValue) && !node.parentNode.closest(".arithmatex")) {
        found.push(node);
      }
    }
    found.forEach(function (node) {
      var parts = node.nodeValue.split(new RegExp(INLINE_MATH.source, "g"));  // odd: TeX
      var fragment = document.createDocumentFragment();
      parts.forEach(function (part, index) {
        if (index % 2 === 0) {
          if (part) fragment.appendChild(document.createTextNode(part));
          return;
        }
        var span = document.createElement("span");
        span.className = "arithmatex";
        span.textContent = "\\(" + part + "\\)";
        fragment.appendChild(span);
      });
      node.parentNode.replaceChild(fragment, node);
    });
    if (found.length) renderMath(root);
  }

  function watchResults() {
    if (typeof MutationObserver === "undefined") return;
    // Material's result list, and Pagefind's on the search page.
    [".md-search-result__list", "#pw-search"].forEach(function (selector) {
      var root = document.querySelector(selector);
      // Marked in script, not with an attribute: an attribute on Material's result list
      // stopped its search from showing results.
      if (!root || root.pwMathWatched) return;
      root.pwMathWatched = true;
      new MutationObserver(function () { typesetResults(root); })
        .observe(root, { childList: true, subtree: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchResults);
  } else {
    watchResults();
  }

  if (typeof document$ !== "undefined" && document$ && typeof document$.subscribe === "function") {
    // Material for MkDocs emits on the first load and after every instant navigation.
    document$.subscribe(function () {
      renderMath(document);
    });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      renderMath(document);
    });
  } else {
    renderMath(document);
  }
})();
