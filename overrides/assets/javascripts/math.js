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
