// Finance: the labor summary chart (days and cost per period). The data
// comes from the canvas's data-points attribute, written by the server.
(function () {
  "use strict";
  function draw() {
    var c = document.getElementById("fin-summary-chart");
    if (!c || typeof Chart === "undefined") { return; }
    var pts = JSON.parse(c.dataset.points || "[]");
    new Chart(c, {
      type: "bar",
      data: {
        labels: pts.map(function (p) { return p.p; }),
        datasets: [
          { label: c.dataset.days, data: pts.map(function (p) { return p.d; }), backgroundColor: "#2563eb", yAxisID: "y" },
          { label: c.dataset.cost, data: pts.map(function (p) { return p.c; }), type: "line", borderColor: "#d97706", yAxisID: "y1" }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true, position: "left" }, y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false },
          ticks: { callback: function (v) { return "¥" + Number(v).toLocaleString("zh-CN"); } } } } }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
