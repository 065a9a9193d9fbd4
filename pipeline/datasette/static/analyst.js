// Page helpers of the meetings plugin (plugins/analyst.py), on every Datasette page.
// Loaded before datasette-vega's script, so these handlers run first.
document.addEventListener("DOMContentLoaded", function () {
  // datasette-vega puts its chart tool before the results table and throws on a page
  // with export links but no table (an empty table or query): give it an empty one.
  var exportLinks = document.querySelector(".export-links");
  if (exportLinks && !document.querySelector("table.rows-and-columns")) {
    var anchor = document.createElement("table");
    anchor.className = "rows-and-columns empty-results";
    anchor.hidden = true;
    exportLinks.parentNode.insertBefore(anchor, exportLinks);
  }
  // Column descriptions: folded away (they pushed the rows below the first screen) and
  // shown as the column headers' tooltips.
  document.querySelectorAll("dl.column-descriptions").forEach(function (dl) {
    var details = document.createElement("details");
    details.className = "column-descriptions-folded";
    var summary = document.createElement("summary");
    summary.textContent = "Mô tả các cột (" + dl.querySelectorAll("dt").length + ")";
    details.appendChild(summary);
    dl.parentNode.insertBefore(details, dl);
    details.appendChild(dl);
    dl.querySelectorAll("dt").forEach(function (dt) {
      var dd = dt.nextElementSibling;
      var th = document.querySelector('table.rows-and-columns th[data-column="' + CSS.escape(dt.textContent.trim()) + '"]');
      if (dd && th) { th.title = dd.textContent.trim(); }
    });
  });
  // CSV for Excel: the same download with a UTF-8 byte order mark (?_bom=1).
  document.querySelectorAll('a[href*=".csv"]').forEach(function (a) {
    if (a.dataset.bom || a.href.indexOf("_bom=1") !== -1) { return; }
    var url = new URL(a.href, location.href);
    url.searchParams.set("_bom", "1");
    var excel = document.createElement("a");
    excel.href = url.pathname + url.search;
    excel.textContent = "CSV cho Excel";
    excel.className = "csv-excel";
    excel.dataset.bom = "1";
    a.dataset.bom = "1";
    a.insertAdjacentText("afterend", " ");
    a.parentNode.insertBefore(excel, a.nextSibling.nextSibling);
  });
});
