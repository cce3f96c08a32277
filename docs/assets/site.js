// Behaviour of the generated pages; no other host is contacted. Written for plain browsers.
(function () {
  "use strict";

  // 培训基地名录: every base comes from bases/directory.json (one column per field, repeated texts
  // as indexes into tables), filtered and sorted here, and shown 50 at a time. Rows are built with
  // textContent only: nothing from the data is ever parsed as HTML. They have the markup of the rows
  // the build writes (generator/site/templates/bases_index.html): a table, cards on a phone.
  // The filters live in the address (?q=&district=&level=&status=&specialty=&sort=), so a filtered
  // list can be shared, reloaded and come back to.
  var PAGE = 50;
  var LABELS = ["级别", "所在地区", "专业领域", "依托单位", "主管部门", "认定日期"];

  // What the keyword filter compares: full-width and half-width forms alike, any bracket around a
  // year (〔2021〕, [2021], （2021）), no spaces, Latin letters in any case.
  function folded(text) {
    return text.normalize("NFKC").toLowerCase().replace(/\s+/g, "")
      .replace(/[\[(【〔［]/g, "〔").replace(/[\])】〕］]/g, "〕");
  }

  function cnDate(iso) {  // 2021-03-05 -> 2021年3月5日, as generator.dates.cn_date
    var part = iso.split("-");
    return part.length === 3 ? Number(part[0]) + "年" + Number(part[1]) + "月" + Number(part[2]) + "日" : "—";
  }

  function directory() {
    var table = document.getElementById("base-table");
    if (!table) return;
    var body = table.tBodies[0];
    var query = document.getElementById("filter-q");
    var district = document.getElementById("filter-district");
    var specialty = document.getElementById("filter-specialty");
    var status = document.getElementById("filter-status");
    var level = document.getElementById("filter-level");
    var sortBy = document.getElementById("sort-by");
    var count = document.getElementById("filter-count");
    var more = document.getElementById("show-more");
    var empty = document.getElementById("no-match");
    var note = document.querySelector(".jxjy-more-static");
    // URL parameter -> control; the selects keep the build's orders (district code, pinyin name)
    var controls = { q: query, district: district, level: level, status: status, specialty: specialty, sort: sortBy };
    var all = [], matching = [], shown = 0, composing = false;

    function restore() {
      var params = new URLSearchParams(window.location.search);
      Object.keys(controls).forEach(function (name) {
        var el = controls[name];
        el.value = params.get(name) || (el === sortBy ? "name" : "");
        if (el.value === "" && el.tagName === "SELECT") el.selectedIndex = 0;  // a value no option has
      });
    }

    function remember() {
      var params = new URLSearchParams();
      Object.keys(controls).forEach(function (name) {
        var value = controls[name].value.trim();
        if (value && !(name === "sort" && value === "name")) params.set(name, value);
      });
      var search = params.toString();
      try {
        window.history.replaceState(window.history.state, "",
          window.location.pathname + (search ? "?" + search : "") + window.location.hash);
      } catch (error) {
        // Safari refuses more than 100 calls in 30 seconds (a long typing spree): the list still filters
      }
    }

    function load(data) {
      var c = data.columns, t = data.tables;
      all = c.name.map(function (name, i) {
        var b = {
          order: i, href: c.href[i], name: name, status: t.status[c.status[i]], since: c.since[i],
          district: t.district[c.district[i]], place: c.district[i], level: t.level[c.level[i]],
          specialties: c.specialties[i].map(function (k) { return t.specialty[k]; }),
          host: t.organization[c.host[i]], supervisor: t.organization[c.supervisor[i]], date: c.accredited[i]
        };
        b.text = folded([name, b.host, b.supervisor, t.document[c.doc[i]]].join("\n"));
        return b;
      });
      if (note) note.hidden = true;
      [district, specialty, status, level, sortBy].forEach(function (el) { el.addEventListener("change", changed); });
      // Chinese input: an IME fires input events for the pinyin being typed; filter on the text it commits
      query.addEventListener("compositionstart", function () { composing = true; });
      query.addEventListener("compositionend", function () { composing = false; changed(); });
      query.addEventListener("input", function (event) { if (!composing && !event.isComposing) changed(); });
      document.getElementById("clear-filters").addEventListener("click", function () {
        district.form.reset();
        changed();
        query.focus();
      });
      window.addEventListener("popstate", function () { restore(); apply(); });
      more.addEventListener("click", showMore);
      restore();
      apply();
      table.setAttribute("data-loaded", "");
    }

    function cell(row, label, text) {
      var td = row.appendChild(document.createElement("td"));
      if (label) {
        var name = td.appendChild(document.createElement("span"));
        name.className = "jxjy-cell-label";
        name.textContent = label + "：";
        td.appendChild(document.createTextNode(text));
      }
      return td;
    }

    function render(b) {
      var row = document.createElement("tr");
      row.dataset.district = b.district;
      row.dataset.specialties = b.specialties.join("|");
      row.dataset.status = b.status;
      row.dataset.level = b.level;
      row.dataset.name = b.name;
      row.dataset.date = b.date;
      var first = cell(row);
      first.className = "jxjy-base-name";
      var link = first.appendChild(document.createElement("a"));
      link.href = b.href;
      link.textContent = b.name;
      var state = cell(row);
      state.className = "jxjy-base-status";
      var badge = state.appendChild(document.createElement("span"));
      badge.className = "jxjy-status";
      badge.dataset.status = b.status;
      badge.textContent = b.status;
      if (b.since) {
        state.appendChild(document.createTextNode(" "));
        state.appendChild(document.createElement("small")).textContent = b.since;
      }
      [b.level, b.district, b.specialties.join("、"), b.host, b.supervisor, b.date ? cnDate(b.date) : "—"]
        .forEach(function (text, i) { cell(row, LABELS[i], text); });
      return row;
    }

    function changed() {
      remember();
      apply();
    }

    function apply() {
      var key = sortBy.value, words = folded(query.value);
      matching = all.filter(function (b) {
        return (!words || b.text.indexOf(words) >= 0) &&
          (!district.value || b.district === district.value) &&
          (!specialty.value || b.specialties.indexOf(specialty.value) >= 0) &&
          (!status.value || b.status === status.value) &&
          (!level.value || b.level === level.value);
      });
      // The data comes in name order and its district table in code order: sort by those indexes
      matching.sort(function (a, b) {
        var order = key === "date" ? b.date.localeCompare(a.date) : key === "district" ? a.place - b.place : 0;
        return order || a.order - b.order;
      });
      body.textContent = "";
      shown = 0;
      table.hidden = matching.length === 0;
      empty.hidden = matching.length > 0;
      showMore();
    }

    function showMore() {
      var rows = document.createDocumentFragment();
      matching.slice(shown, shown + PAGE).forEach(function (b) { rows.appendChild(render(b)); });
      body.appendChild(rows);
      shown = Math.min(shown + PAGE, matching.length);
      count.textContent = "显示 " + shown + " / " + all.length + " 个基地" +
        (shown < matching.length && matching.length < all.length ? "（符合条件的共 " + matching.length + " 个）" : "");
      more.hidden = shown >= matching.length;
      more.textContent = "显示更多（还有 " + (matching.length - shown) + " 个）";
    }

    count.textContent = "显示 " + body.rows.length + " / " + table.getAttribute("data-total") + " 个基地";
    district.form.addEventListener("submit", function (event) { event.preventDefault(); });
    fetch(table.getAttribute("data-rows"))
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(load)
      .catch(function () { count.textContent = "完整名录未能加载，请刷新页面或下载 CSV、Excel。"; });
  }

  // 搜索: Pagefind's UI, loaded from this site's own /pagefind/ bundle, searching through
  // assets/search/pagefind.js (each record page a result; why: generator/site/search.py).
  // The query is cut as generator/site/search.py cuts the pages (why: see there): a run of Han
  // characters as each pair of neighbours (a single character alone), other runs of letters or
  // digits whole, lower case. The pages also index each run's last character, for a query of one.
  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}";
  var SEARCH_RUN = new RegExp("[" + HAN + "]+|(?:(?![" + HAN + "])[\\p{L}\\p{N}])+", "gu");
  var SEARCH_HAN = new RegExp("^[" + HAN + "]", "u");

  function searchWords(text) {
    var found = [];
    (text.toLowerCase().match(SEARCH_RUN) || []).forEach(function (run) {
      var chars = Array.from(run);
      var pieces = SEARCH_HAN.test(run) && chars.length > 1 ?
        chars.slice(1).map(function (c, i) { return chars[i] + c; }) : [run];
      pieces.forEach(function (word) { if (found.indexOf(word) < 0) found.push(word); });
    });
    return found.join(" ");
  }
  window.jxjySearchWords = searchWords;  // for tests/test_search.py: the same cut as search.py

  function search() {
    var box = document.getElementById("search");
    if (!box) return;
    var bundle = box.getAttribute("data-bundle");
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = bundle + "pagefind-ui.css";
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = bundle + "pagefind-ui.js";
    script.onload = function () {
      var ui = new window.PagefindUI({ element: "#search", bundlePath: box.getAttribute("data-results"),
        showSubResults: false, showImages: false, resetStyles: false, processTerm: searchWords });
      // Pagefind's box has only a placeholder; screen readers need a name (GB/T 37668).
      var label = function () {
        var input = box.querySelector("input");
        if (input) input.setAttribute("aria-label", "搜索公告和培训基地");
        else window.requestAnimationFrame(label);
      };
      label();
      // assets/search/pagefind.js lists the best results of the indexed pages it read, not all
      var partial = document.getElementById("search-partial");
      window.addEventListener("jxjy-search", function (event) { partial.hidden = !event.detail.partial; });
      var query = new URLSearchParams(window.location.search).get("q");
      if (query) ui.triggerSearch(query);
    };
    document.body.appendChild(script);
  }

  // The theme's navigation drawer and search overlay are checkboxes. Without autocomplete="off"
  // (not valid HTML on a checkbox; the build removes it) Firefox would restore them checked on
  // reload or back/forward, reopening the drawer or search: close them instead.
  function closeToggles() {
    Array.prototype.forEach.call(document.querySelectorAll("input.md-toggle"), function (toggle) {
      if (!toggle.checked) return;
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    });
  }

  // ---- The shell (theme partials/jxjy-header.html, templates/_print.html) ----
  // 关怀模式 (适老化): larger text and higher contrast, remembered in localStorage. The page's
  // <head> sets the class before it is drawn (theme main.html); this only shows and runs the switch.
  var CARE = "jxjy-care";

  function careSwitch() {
    var root = document.documentElement;
    Array.prototype.forEach.call(document.querySelectorAll(".jxjy-care-switch"), function (button) {
      button.setAttribute("aria-pressed", String(root.classList.contains(CARE)));
      button.hidden = false;
      button.addEventListener("click", function () {
        var on = root.classList.toggle(CARE);
        button.setAttribute("aria-pressed", String(on));
        try {
          if (on) window.localStorage.setItem(CARE, "1");
          else window.localStorage.removeItem(CARE);
        } catch (e) { /* storage refused (private mode): the switch still works on this page */ }
      });
    });
  }

  // 打印本页: printing needs a script, so the button is shown only where one runs.
  function printButtons() {
    Array.prototype.forEach.call(document.querySelectorAll(".jxjy-print"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // Material wraps each Markdown table in a box that scrolls sideways on a phone (a six-column table
  // of 提交记录): a keyboard reaches it only when it can take focus (WCAG 2.1.1), and a screen reader
  // names it by its table's header row. Material adds the boxes when its bundle runs, before `load`.
  function scrollableTables() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap"), function (box) {
      var head = box.querySelector("thead");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "表格" + (head ? "：" + head.textContent.trim().replace(/\s+/g, "、") : ""));
    });
  }

  directory();
  search();
  careSwitch();
  window.addEventListener("load", scrollableTables);
  printButtons();
  closeToggles();
  window.addEventListener("pageshow", function (event) { if (event.persisted) closeToggles(); });
})();
