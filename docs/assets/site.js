// Behaviour of the generated pages; no other host is contacted. Written for plain browsers.
(function () {
  "use strict";

  // 培训基地名录: every base comes from bases/directory.json (one column per field, repeated texts
  // as indexes into tables), filtered and sorted here, and shown 50 at a time. Rows are built with
  // textContent only: nothing from the data is ever parsed as HTML.
  var PAGE = 50;

  function directory() {
    var table = document.getElementById("base-table");
    if (!table) return;
    var body = table.tBodies[0];
    var district = document.getElementById("filter-district");
    var specialty = document.getElementById("filter-specialty");
    var status = document.getElementById("filter-status");
    var level = document.getElementById("filter-level");
    var sortBy = document.getElementById("sort-by");
    var count = document.getElementById("filter-count");
    var more = document.getElementById("show-more");
    var note = document.querySelector(".jxjy-more-static");
    var collator = new Intl.Collator("zh-CN");
    var all = [], matching = [], shown = 0;
    var params = new URLSearchParams(window.location.search);
    if (params.get("district")) district.value = params.get("district");
    if (params.get("specialty")) specialty.value = params.get("specialty");
    if (params.get("status")) status.value = params.get("status");
    if (params.get("level")) level.value = params.get("level");

    function load(data) {
      var c = data.columns, t = data.tables;
      all = c.name.map(function (name, i) {
        return {
          href: c.href[i], name: name, status: t.status[c.status[i]], since: c.since[i],
          district: t.district[c.district[i]], level: t.level[c.level[i]],
          specialties: c.specialties[i].map(function (k) { return t.specialty[k]; }),
          host: t.organization[c.host[i]], supervisor: t.organization[c.supervisor[i]], date: c.accredited[i]
        };
      });
      if (note) note.hidden = true;
      [district, specialty, status, level, sortBy].forEach(function (el) { el.addEventListener("change", apply); });
      more.addEventListener("click", showMore);
      apply();
      table.setAttribute("data-loaded", "");
    }

    function cell(row, text) {
      var td = row.appendChild(document.createElement("td"));
      if (text !== undefined) td.textContent = text;
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
      var link = cell(row).appendChild(document.createElement("a"));
      link.href = b.href;
      link.textContent = b.name;
      var state = cell(row);
      var badge = state.appendChild(document.createElement("span"));
      badge.className = "jxjy-status";
      badge.dataset.status = b.status;
      badge.textContent = b.status;
      if (b.since) {
        state.appendChild(document.createElement("br"));
        state.appendChild(document.createElement("small")).textContent = b.since;
      }
      [b.level, b.district, b.specialties.join("、"), b.host, b.supervisor, b.date].forEach(function (text) { cell(row, text); });
      return row;
    }

    function apply() {
      var key = sortBy.value;
      matching = all.filter(function (b) {
        return (!district.value || b.district === district.value) &&
          (!specialty.value || b.specialties.indexOf(specialty.value) >= 0) &&
          (!status.value || b.status === status.value) &&
          (!level.value || b.level === level.value);
      });
      matching.sort(function (a, b) {
        var order = key === "date" ? b.date.localeCompare(a.date) :
          key === "district" ? collator.compare(a.district, b.district) : 0;
        return order || collator.compare(a.name, b.name);
      });
      body.textContent = "";
      shown = 0;
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

  // 搜索: Pagefind's UI, loaded from this site's own /pagefind/ bundle.
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
      var ui = new window.PagefindUI({ element: "#search", bundlePath: bundle, showSubResults: false,
        showImages: false, resetStyles: false });
      // Pagefind's box has only a placeholder; screen readers need a name (GB/T 37668).
      var label = function () {
        var input = box.querySelector("input");
        if (input) input.setAttribute("aria-label", "搜索公告和培训基地");
        else window.requestAnimationFrame(label);
      };
      label();
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

  directory();
  search();
  careSwitch();
  printButtons();
  closeToggles();
  window.addEventListener("pageshow", function (event) { if (event.persisted) closeToggles(); });
})();
