/*
 * Starts the Pagefind search UI on the search page; the query can come from ?q=…
 * The engine (its WebAssembly and index metadata) is loaded as soon as the page opens rather
 * than on the first keystroke, and input is debounced briefly, so the first results of a
 * query appear without the start-up delay.
 */
(function () {
  "use strict";
  var target = document.getElementById("pw-search");
  if (!target || typeof PagefindUI === "undefined") return;
  var siteRoot = document.currentScript.src.replace(/assets\/javascripts\/[^/]*$/, "");
  var bundle = new URL("pagefind/", siteRoot).href;
  var ui = new PagefindUI({ element: "#pw-search", bundlePath: bundle, showSubResults: false,
                            showImages: false, resetStyles: false, debounceTimeoutMs: 60 });
  import(bundle + "pagefind.js").then(function (pagefind) {
    if (pagefind.init) pagefind.init();
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
