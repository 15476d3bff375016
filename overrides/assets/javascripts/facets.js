/*
 * Filters and sorts the index of all papers in the browser.
 *
 * The data (papers/facets.json) holds one compact row per paper. Filters live in the query
 * string (?year=2024&topic=scaling-laws&org=…&author=…&code=1&sort=stars) so a filtered view can
 * be shared. Only the first PAGE_SIZE matches are drawn, with a button for more, so that a
 * 10,000-paper wiki filters as fast as a small one. Every text goes in with textContent:
 * titles are untrusted.
 */
(function () {
  "use strict";

  var PAGE_SIZE = 100;
  var COLUMNS = { id: 0, title: 1, published: 2, upvotes: 3, topics: 4, organization: 5, code: 6, authors: 7, stars: 8 };
  var SORTS = {
    newest: function (a, b) { return cmp(b[COLUMNS.published], a[COLUMNS.published]) || cmp(a[0], b[0]); },
    oldest: function (a, b) { return cmp(a[COLUMNS.published], b[COLUMNS.published]) || cmp(a[0], b[0]); },
    upvotes: function (a, b) { return (b[COLUMNS.upvotes] || 0) - (a[COLUMNS.upvotes] || 0) || cmp(a[0], b[0]); },
    /* Papers whose code has no known stars come after those with 0. */
    stars: function (a, b) { return starsOf(b) - starsOf(a) || cmp(a[0], b[0]); }
  };

  function starsOf(row) { return row[COLUMNS.stars] === null ? -1 : row[COLUMNS.stars]; }

  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function select(name, label, options) {
    var wrapper = element("label", { class: "pw-facet" }, label + " ");
    var control = element("select", { name: name });
    options.forEach(function (option) {
      control.appendChild(element("option", { value: option[0] }, option[1]));
    });
    wrapper.appendChild(control);
    return wrapper;
  }

  function buildControls(data) {
    var years = {};
    data.papers.forEach(function (row) { if (row[COLUMNS.published]) years[row[COLUMNS.published].slice(0, 4)] = true; });
    var form = element("form", { class: "pw-facets__form", role: "search", "aria-label": "Filter papers" });
    form.appendChild(select("year", "Year", [["", "All years"]].concat(
      Object.keys(years).sort().reverse().map(function (y) { return [y, y]; }))));
    form.appendChild(select("topic", "Topic", [["", "All topics"]].concat(data.topics)));
    form.appendChild(select("org", "Organisation", [["", "Any organisation"]].concat(organisations(data))));
    var author = element("label", { class: "pw-facet" }, "Author ");
    author.appendChild(element("input", { type: "search", name: "author", placeholder: "Any", autocomplete: "off" }));
    form.appendChild(author);
    form.appendChild(select("sort", "Sort", [["newest", "Newest first"], ["oldest", "Oldest first"], ["upvotes", "Most upvoted"], ["stars", "Most starred code"]]));
    var code = element("label", { class: "pw-facet pw-facet--check" });
    code.appendChild(element("input", { type: "checkbox", name: "code", value: "1" }));
    code.appendChild(document.createTextNode(" Has code"));
    form.appendChild(code);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    return form;
  }

  /* The organisations with their number of papers, most papers first: a reader sees at once
     how much each choice holds (few papers name one before `paperwiki resolve`). */
  function organisations(data) {
    var counts = data.organizations.map(function () { return 0; });
    data.papers.forEach(function (row) { if (row[COLUMNS.organization] >= 0) counts[row[COLUMNS.organization]] += 1; });
    return data.organizations.map(function (name, index) { return [name, index]; })
      .sort(function (a, b) { return counts[b[1]] - counts[a[1]] || cmp(a[0], b[0]); })
      .map(function (pair) {
        var count = counts[pair[1]];
        return [pair[0], pair[0] + " (" + count + (count === 1 ? " paper)" : " papers)")];
      });
  }

  /* What an empty result says, with a way out. */
  function emptyNote(form, update) {
    var note = element("p", { class: "pw-facets__empty" }, "No paper matches these filters. ");
    var clear = element("button", { type: "button", class: "md-button pw-facets__clear" }, "Clear filters");
    clear.addEventListener("click", function () {
      form.reset();
      update();
      form.elements.year.focus();
    });
    note.appendChild(clear);
    return note;
  }

  function readQuery(form) {
    var query = new URLSearchParams(window.location.search);
    ["year", "topic", "org", "sort"].forEach(function (name) {
      var control = form.elements[name];
      var value = query.get(name);
      if (value !== null && Array.prototype.some.call(control.options, function (o) { return o.value === value; })) {
        control.value = value;
      }
    });
    form.elements.code.checked = query.get("code") === "1";
    form.elements.author.value = query.get("author") || "";
  }

  function writeQuery(state) {
    var query = new URLSearchParams();
    if (state.year) query.set("year", state.year);
    if (state.topic) query.set("topic", state.topic);
    if (state.org) query.set("org", state.org);
    if (state.author) query.set("author", state.author);
    if (state.code) query.set("code", "1");
    if (state.sort !== "newest") query.set("sort", state.sort);
    var search = query.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  function stateOf(form) {
    return {
      year: form.elements.year.value, topic: form.elements.topic.value, org: form.elements.org.value,
      author: form.elements.author.value.trim(),
      code: form.elements.code.checked, sort: form.elements.sort.value || "newest"
    };
  }

  function matches(data, state) {
    var topic = state.topic ? data.topicIndex[state.topic] : -1;
    var org = state.org ? data.organizations.indexOf(state.org) : -2;
    var authors = authorsMatching(data, state.author);
    return data.papers.filter(function (row) {
      return (!state.year || row[COLUMNS.published].slice(0, 4) === state.year)
        && (topic < 0 || row[COLUMNS.topics].indexOf(topic) >= 0)
        && (org === -2 || row[COLUMNS.organization] === org)
        && (!state.code || row[COLUMNS.code] === 1)
        && (!authors || row[COLUMNS.authors].some(function (a) { return authors[a]; }));
    }).sort(SORTS[state.sort] || SORTS.newest);
  }

  /* The authors a typed name selects: the one spelt exactly so (links from paper pages), else
     every name containing the text, ignoring case. null when no author is asked for. */
  function authorsMatching(data, text) {
    if (!text) return null;
    var chosen = {};
    var exact = data.authors.indexOf(text);
    if (exact >= 0) { chosen[exact] = true; return chosen; }
    var needle = text.toLowerCase();
    data.authors.forEach(function (name, index) { if (name.toLowerCase().indexOf(needle) >= 0) chosen[index] = true; });
    return chosen;
  }

  /* A date as <time> (an ISO day needs no datetime attribute), kept on one line by the
     stylesheet. */
  function time(day) {
    return element("time", {}, day);
  }

  /* The facts of a card's small print, in the order templates/_paper_list.md.j2 gives them. */
  function facts(row, data) {
    var parts = [];
    if (row[COLUMNS.published]) parts.push(time(row[COLUMNS.published]));
    var names = row[COLUMNS.authors].slice(0, 3).map(function (a) { return data.authors[a]; });
    if (names.length) parts.push(names.join(", ") + (row[COLUMNS.authors].length > 3 ? " et al." : ""));
    if (row[COLUMNS.organization] >= 0) parts.push(data.organizations[row[COLUMNS.organization]]);
    if (row[COLUMNS.code]) parts.push(row[COLUMNS.stars] === null ? "code" : "code ★ " + row[COLUMNS.stars].toLocaleString("en-US"));
    if (row[COLUMNS.upvotes] !== null) parts.push(row[COLUMNS.upvotes] + (row[COLUMNS.upvotes] === 1 ? " upvote" : " upvotes"));
    return parts;
  }

  /* One paper card: the markup of the generated lists, every text set as text. */
  function card(row, data) {
    var item = element("li");
    item.appendChild(element("a", { href: encodeURIComponent(row[COLUMNS.id]) + "/" }, row[COLUMNS.title]));
    var parts = facts(row, data);
    if (parts.length) {
      var small = element("small");
      parts.forEach(function (part, index) {
        if (index) small.appendChild(document.createTextNode(" · "));
        small.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
      });
      item.appendChild(small);
    }
    if (row[COLUMNS.topics].length) {
      var chips = element("span", { class: "pw-chips" });
      row[COLUMNS.topics].forEach(function (t) {
        chips.appendChild(element("a", { href: "../topics/" + encodeURIComponent(data.topics[t][0]) + "/" }, data.topics[t][1]));
      });
      item.appendChild(chips);
    }
    return item;
  }

  function drawRows(list, rows, data) {
    rows.forEach(function (row) { list.appendChild(card(row, data)); });
  }

  function start(container, data) {
    data.topicIndex = {};
    data.topics.forEach(function (topic, index) { data.topicIndex[topic[0]] = index; });
    var form = buildControls(data);
    var status = element("p", { class: "pw-facets__status", role: "status", "aria-live": "polite" });
    var list = element("ol", { class: "pw-cards pw-facets__results" });
    var more = element("button", { type: "button", class: "md-button pw-facets__more" }, "Show more");
    var empty = emptyNote(form, update);
    container.textContent = "";
    [form, status, empty, list, more].forEach(function (node) { container.appendChild(node); });
    var current = [];
    function update() {
      var state = stateOf(form);
      writeQuery(state);
      current = matches(data, state);
      list.textContent = "";
      drawRows(list, current.slice(0, PAGE_SIZE), data);
      status.textContent = current.length + " of " + data.papers.length + " papers";
      more.hidden = current.length <= PAGE_SIZE;
      empty.hidden = current.length > 0;
      container.setAttribute("data-ready", String(Date.now()));
    }
    more.addEventListener("click", function () {
      var shown = list.children.length;
      drawRows(list, current.slice(shown, shown + PAGE_SIZE), data);
      more.hidden = list.children.length >= current.length;
    });
    form.addEventListener("change", update);
    form.elements.author.addEventListener("input", update);
    readQuery(form);
    update();
  }

  function init() {
    var container = document.getElementById("pw-facets");
    if (!container || container.getAttribute("data-started")) return;
    container.setAttribute("data-started", "true");
    fetch(container.getAttribute("data-source"))
      .then(function (response) { return response.json(); })
      .then(function (data) { start(container, data); });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
