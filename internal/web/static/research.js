// Research pages: a bar chart per aggregated question. The counts come
// from the canvas's data-rs-bars attribute, written by the server.
(function () {
  "use strict";
  function bars() {
    if (typeof Chart === "undefined") { return; }
    var cs = document.querySelectorAll("canvas[data-rs-bars]");
    for (var i = 0; i < cs.length; i++) {
      var c = cs[i];
      var pts = JSON.parse(c.getAttribute("data-rs-bars") || "[]");
      new Chart(c, {
        type: "bar",
        data: { labels: pts.map(function (p) { return p.label; }), datasets: [{ label: c.dataset.label, data: pts.map(function (p) { return p.n; }), backgroundColor: "#2563eb", maxBarThickness: 28 }] },
        options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", bars); } else { bars(); }
})();
