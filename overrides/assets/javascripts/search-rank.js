/*
 * Multi-word queries: pages holding every word first.
 *
 * Material's built-in search ranks results by their lunr score, in which one word of a
 * query found in a title (boosted 1000 times) outweighs every word found in the text: for
 * "reward model", papers with "model" in their title and no "reward" anywhere came first.
 * Material's worker already marks, per result, which words it holds (the "Missing: …"
 * line). This script runs before Material's and wraps the search worker it starts: each
 * batch of results is put in order of the share of the query's words a page holds (over
 * all its sections), keeping Material's order among pages holding as many. Nothing else
 * changes: the same results, highlighting and paging.
 */
(function () {
  "use strict";
  var NativeWorker = window.Worker;
  if (typeof NativeWorker !== "function") return;

  /* The share of the query's words that a page (a group of matched sections) holds. */
  function share(sections) {
    var asked = {}, held = {};
    sections.forEach(function (section) {
      var terms = section.terms || {};
      Object.keys(terms).forEach(function (term) {
        asked[term] = true;
        if (terms[term]) held[term] = true;
      });
    });
    var count = Object.keys(asked).length;
    return count ? Object.keys(held).length / count : 0;
  }

  /* Re-order a result message in place, before Material's own listener reads it. */
  function rerank(event) {
    var message = event.data;
    var items = message && message.data && message.data.items;
    if (!Array.isArray(items)) return;
    var ordered = items.map(function (sections, index) {
      return { share: share(sections), index: index, sections: sections };
    });
    ordered.sort(function (a, b) { return b.share - a.share || a.index - b.index; });
    ordered.forEach(function (entry, index) { items[index] = entry.sections; });
  }

  function Worker(url, options) {
    var worker = new NativeWorker(url, options);
    if (/\/workers\/search\.[^/]*\.js/.test(String(url))) {
      worker.addEventListener("message", rerank);
    }
    return worker;
  }
  Worker.prototype = NativeWorker.prototype;
  window.Worker = Worker;
})();
