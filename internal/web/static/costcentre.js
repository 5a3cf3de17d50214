// Cost centre: the S-curve (cumulative PV, EV, AC) and the budget-against-
// actual bars. Data come from the canvases' data- attributes (JSON written
// by the server, money in fen for the curve and yuan for the bars); no
// inline script (CSP).
(function () {
  "use strict";
  function yuan(f) { return f === null || f === undefined ? null : Math.round(f) / 100; }
  function fmt(v) { return "¥" + Number(v).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }
  var tip = { callbacks: { label: function (c) { return c.dataset.label + ": " + fmt(c.parsed.y); } } };
  function draw() {
    if (typeof Chart === "undefined") { return; }
    var s = document.getElementById("cc-scurve");
    if (s) {
      var pts = JSON.parse(s.dataset.points || "[]");
      new Chart(s, {
        type: "line",
        data: {
          labels: pts.map(function (p) { return p.day; }),
          datasets: [
            { label: s.dataset.pv, data: pts.map(function (p) { return yuan(p.pv_minor); }), borderColor: "#9ca3af", borderDash: [6, 4], pointRadius: 0, tension: 0.2 },
            { label: s.dataset.ev, data: pts.map(function (p) { return yuan(p.ev_minor); }), borderColor: "#16a34a", pointRadius: 0, tension: 0.2 },
            { label: s.dataset.ac, data: pts.map(function (p) { return yuan(p.ac_minor); }), borderColor: "#dc2626", pointRadius: 0, tension: 0.2 }
          ]
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: "index", intersect: false },
          plugins: { tooltip: tip }, scales: { y: { beginAtZero: true } } }
      });
    }
    ["cc-cat-bars", "cc-phase-bars"].forEach(function (id) {
      var b = document.getElementById(id);
      if (!b) { return; }
      var bs = JSON.parse(b.dataset.bars || "[]");
      new Chart(b, {
        type: "bar",
        data: {
          labels: bs.map(function (x) { return x.label; }),
          datasets: [
            { label: b.dataset.budget, data: bs.map(function (x) { return x.budget; }), backgroundColor: "#c7d7fe" },
            { label: b.dataset.actual, data: bs.map(function (x) { return x.actual; }), backgroundColor: "#2563eb" }
          ]
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { tooltip: tip }, scales: { y: { beginAtZero: true } } }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
