// Requirements (internal/requirement): the priority matrix. Dragging a
// card to another MoSCoW column (or within one) posts the new priority,
// the column's order and the card's version to the API; a refusal (409:
// someone changed it, or it is confirmed scope) puts the card back and
// says why. The value × effort chart draws from the canvas's data-points.
(function () {
  "use strict";
  function matrix() {
    var root = document.getElementById("req-matrix");
    if (!root || !root.getAttribute("data-move") || !window.Sortable) return;
    var live = document.getElementById("req-matrix-live");
    function say(msg) { if (live) live.textContent = msg; }
    function count(cell) {
      var head = cell.parentNode.querySelector(".count");
      if (head) head.textContent = String(cell.querySelectorAll(".req-card").length);
    }
    root.querySelectorAll(".req-cell").forEach(function (cell) {
      window.Sortable.create(cell, {
        group: "req-matrix", draggable: ".req-card", animation: 120, forceFallback: true, fallbackTolerance: 3,
        ghostClass: "ghost", chosenClass: "chosen",
        onEnd: function (evt) {
          var card = evt.item, from = evt.from, to = evt.to;
          if (from === to && evt.oldIndex === evt.newIndex) return;
          function back(msg) {
            var sib = from.querySelectorAll(".req-card")[evt.oldIndex] || null;
            if (sib === card) sib = sib.nextSibling;
            from.insertBefore(card, sib);
            count(from); count(to);
            say(root.getAttribute("data-msg-failed") + " " + (msg || ""));
          }
          var order = Array.prototype.map.call(to.querySelectorAll(".req-card"), function (c) { return parseInt(c.getAttribute("data-id"), 10); });
          card.classList.add("saving");
          count(from); count(to);
          fetch(root.getAttribute("data-move") + card.getAttribute("data-id") + "/move", {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "Accept": "application/json" },
            body: JSON.stringify({ priority: to.getAttribute("data-priority"), order: order, version: parseInt(card.getAttribute("data-version"), 10) })
          }).then(function (res) {
            return res.json().then(function (j) { return { ok: res.ok, j: j }; }, function () { return { ok: res.ok, j: null }; });
          }).then(function (r) {
            card.classList.remove("saving");
            if (!r.ok) { back(r.j && r.j.error ? r.j.error.message : ""); return; }
            card.setAttribute("data-version", String(r.j.version));
            say(root.getAttribute("data-msg-saved"));
            redraw();
          }).catch(function () { card.classList.remove("saving"); back(""); });
        }
      });
    });
  }

  function whole(axis) { axis.ticks = [1, 2, 3, 4, 5].map(function (v) { return { value: v }; }); }
  var colors = { must: "rgba(220,38,38,.55)", should: "rgba(37,99,235,.55)", could: "rgba(217,119,6,.55)", wont: "rgba(107,114,128,.45)" };
  // points reads the cards as the matrix now shows them: one bubble per
  // priority and (effort, value) cell, bigger when it holds more
  // requirements; rejected ones are left out.
  function points() {
    return ["must", "should", "could", "wont"].map(function (p) {
      var cells = {}, order = [];
      document.querySelectorAll('.req-cell[data-priority="' + p + '"] .req-card').forEach(function (c) {
        if (c.getAttribute("data-status") === "rejected") return;
        var k = c.getAttribute("data-effort") + "," + c.getAttribute("data-value");
        if (!cells[k]) { cells[k] = { x: +c.getAttribute("data-effort"), y: +c.getAttribute("data-value"), refs: [] }; order.push(k); }
        cells[k].refs.push(c.getAttribute("data-ref"));
      });
      return order.map(function (k) { var c = cells[k]; return { x: c.x, y: c.y, r: 6 + 3 * c.refs.length, label: c.refs.join(", ") }; });
    });
  }
  var quadrant = null;
  function redraw() {
    if (!quadrant) return;
    points().forEach(function (d, i) { quadrant.data.datasets[i].data = d; });
    quadrant.update();
  }
  function chart() {
    var el = document.getElementById("req-quadrant");
    if (!el || typeof Chart === "undefined") return;
    var pts = points();
    var sets = ["must", "should", "could", "wont"].map(function (p, i) {
      return { label: el.getAttribute("data-" + p), data: pts[i], backgroundColor: colors[p] };
    });
    var q = { q1: el.getAttribute("data-q1"), q2: el.getAttribute("data-q2"), q3: el.getAttribute("data-q3"), q4: el.getAttribute("data-q4") };
    var quadrants = {
      id: "quadrants",
      beforeDraw: function (c) {
        var a = c.chartArea, x = c.scales.x, y = c.scales.y, ctx = c.ctx;
        var mx = x.getPixelForValue(3), my = y.getPixelForValue(3);
        ctx.save();
        ctx.strokeStyle = "#d1d5db"; ctx.setLineDash([4, 4]);
        ctx.beginPath(); ctx.moveTo(mx, a.top); ctx.lineTo(mx, a.bottom); ctx.moveTo(a.left, my); ctx.lineTo(a.right, my); ctx.stroke();
        ctx.fillStyle = "#9ca3af"; ctx.font = "12px sans-serif";
        ctx.textAlign = "right"; ctx.fillText(q.q1, a.right - 6, a.top + 14);
        ctx.textAlign = "left"; ctx.fillText(q.q2, a.left + 6, a.top + 14);
        ctx.textAlign = "right"; ctx.fillText(q.q3, a.right - 6, a.bottom - 6);
        ctx.textAlign = "left"; ctx.fillText(q.q4, a.left + 6, a.bottom - 6);
        ctx.restore();
      }
    };
    quadrant = new Chart(el, {
      type: "bubble",
      data: { datasets: sets },
      plugins: [quadrants],
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: {
          x: { min: 0.5, max: 5.5, reverse: true, afterBuildTicks: whole, title: { display: true, text: el.getAttribute("data-x") } },
          y: { min: 0.5, max: 5.5, afterBuildTicks: whole, title: { display: true, text: el.getAttribute("data-y") } }
        },
        plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.raw.label; } } } }
      }
    });
  }
  function init() { matrix(); chart(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
