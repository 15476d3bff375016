/* Starts the Pagefind search UI on the search page; the query can come from ?q=… */
(function () {
  "use strict";
  var target = document.getElementById("pw-search");
  if (!target || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({ element: "#pw-search", showSubResults: false, showImages: false,
                            resetStyles: false });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
