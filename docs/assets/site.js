// Behaviour of the generated pages; no other host is contacted. Written for plain browsers.
(function () {
  "use strict";

  // 培训基地名录: filter by district, specialty and status, and sort, without a server.
  function directory() {
    var table = document.getElementById("base-table");
    if (!table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var district = document.getElementById("filter-district");
    var specialty = document.getElementById("filter-specialty");
    var status = document.getElementById("filter-status");
    var sortBy = document.getElementById("sort-by");
    var count = document.getElementById("filter-count");
    var params = new URLSearchParams(window.location.search);
    if (params.get("district")) district.value = params.get("district");
    if (params.get("specialty")) specialty.value = params.get("specialty");
    if (params.get("status")) status.value = params.get("status");

    function apply() {
      var shown = 0;
      var keys = { name: "name", date: "date", district: "district" };
      var key = keys[sortBy.value] || "name";
      rows.sort(function (a, b) {
        var x = a.dataset[key], y = b.dataset[key];
        var order = key === "date" ? y.localeCompare(x) : x.localeCompare(y, "zh-CN");
        return order || a.dataset.name.localeCompare(b.dataset.name, "zh-CN");
      });
      rows.forEach(function (row) {
        var ok = (!district.value || row.dataset.district === district.value) &&
          (!specialty.value || row.dataset.specialties.split("|").indexOf(specialty.value) >= 0) &&
          (!status.value || row.dataset.status === status.value);
        row.hidden = !ok;
        if (ok) shown += 1;
        body.appendChild(row);
      });
      count.textContent = "显示 " + shown + " / " + rows.length + " 个基地";
    }
    [district, specialty, status, sortBy].forEach(function (el) { el.addEventListener("change", apply); });
    district.form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
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

  directory();
  search();
  closeToggles();
  window.addEventListener("pageshow", function (event) { if (event.persisted) closeToggles(); });
})();
