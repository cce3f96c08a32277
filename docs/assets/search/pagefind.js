// The search API that Pagefind's UI loads (docs/assets/site.js gives it this folder as its bundle):
// Pagefind's own, except that each record page is a result of its own. The index holds record
// pages up to 50 to an indexed page, each a section: an empty <h2> whose id is the record page's
// path (kind/id) and whose title is what a result shows of it, then its own facts as pairs of
// characters, then all its text as pairs (generator/site/search.py says why). A result is a
// section holding every word of the query; it opens the record page, never the indexed page.
import * as pagefind from "../../pagefind/pagefind.js";

export var options = pagefind.options, init = pagefind.init, mergeIndex = pagefind.mergeIndex,
  preload = pagefind.preload, filters = pagefind.filters, destroy = pagefind.destroy;

// Indexed pages are read in Pagefind's order, BATCH at a time, until ENOUGH results are found
// (ten screens of them) or none is left: one search reads a few pages, however large the site.
var BATCH = 4, ENOUGH = 50, EXCERPT = 60;

export async function search(term, options) {
  var found = await pagefind.search(term, options);
  if (!found || !found.results) return found;  // a search superseded by the next one
  var words = String(term).toLowerCase().split(/\s+/).filter(Boolean);
  var hits = [], read = 0;
  while (read < found.results.length && hits.length < ENOUGH) {
    var pages = await Promise.all(found.results.slice(read, read + BATCH).map(function (r) { return r.data(); }));
    pages.forEach(function (page, i) { hits.push.apply(hits, sections(page, read + i, words)); });
    read += pages.length;
  }
  hits.sort(function (a, b) {
    return b.inTitle - a.inTitle || b.coverage - a.coverage || b.density - a.density ||
      a.page - b.page || a.order - b.order;
  });
  var complete = read === found.results.length;
  // site.js shows a note under the results when more record pages may hold the words
  window.dispatchEvent(new CustomEvent("jxjy-search", { detail: { partial: !complete } }));
  return Object.assign({}, found, {
    results: hits.map(function (hit, i) {
      return { id: "jxjy-" + i, score: hit.score, data: function () { return Promise.resolve(hit.data); } };
    }),
    filters: counts(found.filters, hits, complete)
  });
}

// The results of one indexed page: its sections holding every word (each word the start of one of
// theirs, as Pagefind matches), with what ranks them. A page without sections (indexed as it is)
// is one result.
function sections(page, rank, words) {
  var anchors = (page.anchors || []).filter(function (a) { return a.title && a.element === "h2"; })
    .sort(function (a, b) { return a.location - b.location; });
  if (!anchors.length) return [{ inTitle: 0, coverage: 0, density: 0, page: rank, order: 0, filters: page.filters, data: page }];
  var content = page.content.trim().split(/\s+/);
  var hits = [];
  anchors.forEach(function (anchor, order) {
    var shown;
    try {
      shown = JSON.parse(anchor.title);
    } catch (error) {
      return;
    }
    var own = content.slice(anchor.location, anchors[order + 1] ? anchors[order + 1].location : content.length);
    var key = own.slice(0, shown.key);
    var holds = function (list) {
      return function (word) { return list.some(function (w) { return w.indexOf(word) === 0; }); };
    };
    if (!words.every(holds(own))) return;
    var inKey = words.filter(holds(key)).length, title = shown.title.toLowerCase();
    var meta = { title: shown.title };
    shown.tags.forEach(function (tag) { meta[tag[0]] = tag[1]; });
    hits.push({
      inTitle: words.every(function (w) { return title.indexOf(w) >= 0; }) ? 1 : 0,
      coverage: words.length ? inKey / words.length : 0, density: shown.key ? inKey / shown.key : 0,
      page: rank, order: order, filters: page.filters,
      data: {
        // the record page beside the indexed one: .../<kind>/g<n>/ -> .../<kind>/<id>/
        url: page.url.replace(/[^/]+\/[^/]+\/(#.*)?$/, anchor.id + "/"),
        meta: meta, excerpt: excerpt(shown.text, words), sub_results: [], anchors: [], filters: page.filters
      }
    });
  });
  return hits;
}

// EXCERPT characters of the text from just before the first run of the query found, each found
// run marked; escaped here, as the UI shows the excerpt as HTML. The runs are the query's words
// joined again where pairs overlap (天一 一信 信息 -> 天一信息).
function excerpt(text, words) {
  var runs = [];
  words.forEach(function (word, i) {
    var last = runs[runs.length - 1], before = words[i - 1];
    if (last && before && before.length === 2 && word.length === 2 && before[1] === word[0]) runs[runs.length - 1] = last + word[1];
    else runs.push(word);
  });
  var lower = text.toLowerCase(), marks = [];
  runs.forEach(function (run) {
    for (var at = lower.indexOf(run); at >= 0; at = lower.indexOf(run, at + run.length)) marks.push([at, at + run.length]);
  });
  marks.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
  // from the longest run found (the first of the query's longest), else the text's start
  var longest = runs.filter(function (run) { return lower.indexOf(run) >= 0; })
    .sort(function (a, b) { return b.length - a.length; })[0];
  var start = longest ? Math.max(0, lower.indexOf(longest) - 10) : 0, end = Math.min(text.length, start + EXCERPT);
  var html = start > 0 ? "…" : "", at = start;
  marks.forEach(function (mark) {
    if (mark[0] < at || mark[0] >= end) return;
    html += escape(text.slice(at, mark[0])) + "<mark>" + escape(text.slice(mark[0], Math.min(mark[1], end))) + "</mark>";
    at = Math.min(mark[1], end);
  });
  return html + escape(text.slice(at, end)) + (end < text.length ? "…" : "");
}

function escape(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// The facets count results, not indexed pages. When not every page was read, a value no read page
// holds keeps Pagefind's count of pages: at least that many results have it.
function counts(given, hits, complete) {
  var result = {};
  Object.keys(given || {}).forEach(function (name) {
    result[name] = {};
    Object.keys(given[name]).forEach(function (value) {
      var n = hits.filter(function (hit) { return (hit.filters && hit.filters[name] || []).indexOf(value) >= 0; }).length;
      result[name][value] = n || complete ? n : given[name][value];
    });
  });
  return result;
}
