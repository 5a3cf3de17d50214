// Fund centre: the monthly cash-flow chart. Data comes from the canvas's
// data-points attribute (JSON written by the server, amounts in fen);
// bars are expected receipts, receipts booked and planned costs, the line
// is the cumulative net cash flow, all shown in yuan.
(function () {
  "use strict";
  function yuan(f) { return Math.round(f) / 100; }
  function draw() {
    if (typeof Chart === "undefined") { return; }
    var c = document.getElementById("funds-cashflow");
    if (!c) { return; }
    var pts = JSON.parse(c.dataset.points || "[]");
    var sets = [
      { type: "bar", label: c.dataset.expected, data: pts.map(function (p) { return yuan(p.expected_minor); }), backgroundColor: "#60a5fa", stack: "in" },
      { type: "bar", label: c.dataset.received, data: pts.map(function (p) { return yuan(p.received_minor); }), backgroundColor: "#16a34a", stack: "in" }
    ];
    if (c.dataset.costs) {
      sets.push({ type: "bar", label: c.dataset.cost, data: pts.map(function (p) { return -yuan(p.cost_minor); }), backgroundColor: "#f87171", stack: "out" });
    }
    sets.push({ type: "line", label: c.dataset.cumulative, data: pts.map(function (p) { return yuan(p.cumulative_minor); }), borderColor: "#111827", tension: 0.1 });
    new Chart(c, {
      data: { labels: pts.map(function (p) { return p.month; }), datasets: sets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: true }, y: { ticks: { callback: function (v) { return "¥" + Number(v).toLocaleString("zh-CN"); } } } }
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
