// Data migration pages: the run's progress bar (server-sent events, the
// page reloads when the run ends) and the charts (per rule, per field,
// the quality trend). Data comes from data- attributes the server writes.
(function () {
  "use strict";
  function progress() {
    var box = document.getElementById("dm-running");
    if (!box || typeof EventSource === "undefined") { return; }
    var bar = document.getElementById("dm-progress");
    var text = document.getElementById("dm-progress-text");
    var es = new EventSource(box.dataset.events);
    box.dataset.live = "on";
    es.addEventListener("progress", function (e) {
      var m = JSON.parse(e.data || "{}");
      if (bar && typeof m.percent === "number") { bar.value = m.percent; bar.textContent = m.percent + "%"; }
      if (text && m.text) { text.textContent = m.text; }
      box.dataset.percent = String(m.percent);
      box.dataset.read = String(m.read);
    });
    es.addEventListener("end", function () { es.close(); window.location.reload(); });
    es.addEventListener("denied", function () { es.close(); });
  }
  function bars(id, color) {
    var c = document.getElementById(id);
    if (!c || typeof Chart === "undefined") { return; }
    var pts = JSON.parse(c.dataset.points || "[]").slice(0, 15);
    new Chart(c, {
      type: "bar",
      data: { labels: pts.map(function (p) { return p.label; }), datasets: [{ label: c.dataset.label, data: pts.map(function (p) { return p.n; }), backgroundColor: color, maxBarThickness: 28 }] },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  function trend() {
    var c = document.getElementById("dm-trend");
    if (!c || typeof Chart === "undefined") { return; }
    var pts = JSON.parse(c.dataset.points || "[]");
    new Chart(c, {
      type: "line",
      data: { labels: pts.map(function (p) { return p.label; }), datasets: [{ label: c.dataset.label, data: pts.map(function (p) { return p.quality; }), borderColor: "#2563eb", tension: 0.1 }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100 } } }
    });
  }
  function init() {
    progress();
    bars("dm-by-rule", "#dc2626");
    bars("dm-by-field", "#f59e0b");
    trend();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
