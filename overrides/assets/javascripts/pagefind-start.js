/*
 * Starts the Pagefind search UI on the search page; the query can come from ?q=…
 * A large site's index is in several bundles (pagefind/bundles.json lists them, see
 * generator/search.py): the UI searches the first and merges the others' results.
 * The engine (its WebAssembly and index metadata) is loaded as soon as the page opens rather
 * than on the first keystroke, and input is debounced briefly, so the first results of a
 * query appear without the start-up delay.
 */
(function () {
  "use strict";
  var target = document.getElementById("pw-search");
  if (!target || typeof PagefindUI === "undefined") return;
  var siteRoot = document.currentScript.src.replace(/assets\/javascripts\/[^/]*$/, "");
  fetch(new URL("pagefind/bundles.json", siteRoot).href)
    .then(function (response) { return response.json(); })
    .then(function (folders) {
      var bundles = folders.map(function (folder) { return new URL(folder, siteRoot).href; });
      var merged = bundles.slice(1).map(function (bundle) { return { bundlePath: bundle }; });
      var ui = new PagefindUI({ element: "#pw-search", bundlePath: bundles[0], mergeIndex: merged,
                                showSubResults: false, showImages: false, resetStyles: false,
                                debounceTimeoutMs: 60 });
      import(bundles[0] + "pagefind.js").then(function (pagefind) {
        if (pagefind.init) pagefind.init();
      });
      var query = new URLSearchParams(window.location.search).get("q");
      if (query) ui.triggerSearch(query);
    });
})();
