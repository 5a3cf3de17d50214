// Iterations: the burndown and velocity charts. The data comes from the
// canvas's data-points attribute (JSON written by the server); effort is
// in minutes and shown in hours.
(function () {
  "use strict";
  function hours(m) { return Math.round(m / 6) / 10; }
  function draw() {
    if (typeof Chart === "undefined") { return; }
    var b = document.getElementById("iter-burndown");
    if (b) {
      var pts = JSON.parse(b.dataset.points || "[]");
      new Chart(b, {
        type: "line",
        data: {
          labels: pts.map(function (p) { return p.day.slice(5); }),
          datasets: [
            { label: b.dataset.remaining, data: pts.map(function (p) { return p.remaining_min < 0 ? null : hours(p.remaining_min); }), borderColor: "#2563eb", tension: 0.1 },
            { label: b.dataset.ideal, data: pts.map(function (p) { return hours(p.ideal_min); }), borderColor: "#9ca3af", borderDash: [6, 4], pointRadius: 0 }
          ]
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } }
      });
    }
    var v = document.getElementById("iter-velocity");
    if (v) {
      var vs = JSON.parse(v.dataset.points || "[]");
      new Chart(v, {
        type: "bar",
        data: { labels: vs.map(function (x) { return x.name; }), datasets: [{ label: v.dataset.label, data: vs.map(function (x) { return hours(x.done_min); }), backgroundColor: "#2563eb" }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } }
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
