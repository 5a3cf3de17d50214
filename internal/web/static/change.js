// Change control: the scope-creep chart. The points come from the canvas's
// data-points attribute (JSON written by the server): the cumulative
// approved change effort as a percentage of the first signed baseline.
(function () {
  "use strict";
  function draw() {
    var c = document.getElementById("cr-creep");
    if (!c || typeof Chart === "undefined") { return; }
    var pts = JSON.parse(c.dataset.points || "[]");
    new Chart(c, {
      type: "line",
      data: {
        labels: pts.map(function (p) { return p.day.slice(5) + " " + p.cr_code; }),
        datasets: [{ label: c.dataset.label, data: pts.map(function (p) { return Math.round(p.percent * 10) / 10; }), borderColor: "#d97706", backgroundColor: "rgba(217,119,6,0.12)", fill: true, tension: 0.1, stepped: true }]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return v + "%"; } } } } }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
