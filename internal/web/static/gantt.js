// Gantt chart behaviour: drag a bar (pointer events, snapped to whole
// days) or move a focused bar with ← → and Enter to reschedule a task; the
// server pushes successors and the chart is redrawn from its answer. The
// chart itself is server-rendered SVG; without this script the page still
// shows everything and the form reschedules.
(function () {
  "use strict";

  function root() { return document.getElementById("gantt-chart"); }

  function toast(msg) {
    var t = document.getElementById("toast");
    if (!t) return;
    t.textContent = "";
    var d = document.createElement("div");
    d.className = "toast-msg";
    d.textContent = msg;
    t.appendChild(d);
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.textContent = ""; }, 6000);
  }

  // Dates are "YYYY-MM-DD" and whole days; UTC keeps DST out of it.
  function addDays(s, n) {
    var p = s.split("-");
    var d = new Date(Date.UTC(+p[0], +p[1] - 1, +p[2] + n));
    return d.toISOString().slice(0, 10);
  }

  function scrollToToday() {
    var r = root();
    if (!r) return;
    var sc = r.querySelector(".gantt-scroll");
    var line = r.querySelector(".gantt-today");
    if (sc && line && !sc.dataset.scrolled) {
      sc.dataset.scrolled = "1";
      sc.scrollLeft = Math.max(0, +line.getAttribute("x1") - sc.clientWidth / 3);
    }
  }

  // Redraw the chart (the page answers htmx-style requests with the chart
  // fragment), keeping the horizontal scroll position.
  function refresh(focusId) {
    var r = root();
    var holder = document.getElementById("gantt");
    if (!r || !holder) return Promise.resolve();
    var left = r.querySelector(".gantt-scroll").scrollLeft;
    return fetch(window.location.href, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
      .then(function (html) {
        holder.innerHTML = html;
        var sc = holder.querySelector(".gantt-scroll");
        if (sc) { sc.dataset.scrolled = "1"; sc.scrollLeft = left; }
        if (focusId) {
          var g = holder.querySelector('.gantt-drag[data-id="' + focusId + '"]');
          if (g) g.focus();
        }
        syncForm(holder);
      })
      .catch(function () { window.location.reload(); });
  }

  // The reschedule form beside the chart is not part of the redrawn
  // fragment: after a drag (of its task, or of one that pushed it) it takes
  // the task's new version and start from the chart, else its next save
  // would be refused as stale. A start the user typed is kept.
  function syncForm(holder) {
    var f = document.getElementById("gantt-reschedule");
    if (!f) return;
    var id = f.elements.task_id.value;
    var g = holder.querySelector('[data-id="' + id + '"][data-version]');
    if (!g) return;
    var start = f.elements.start_date;
    if (start && start.value === start.defaultValue) start.value = start.defaultValue = g.dataset.start;
    f.elements.version.value = g.dataset.version;
  }

  function errorText(body) {
    var e = body && body.error;
    if (!e) return root().dataset.msgFailed;
    var parts = [e.message];
    if (e.fields) {
      Object.keys(e.fields).forEach(function (k) { parts.push(e.fields[k]); });
    }
    return parts.join(" ");
  }

  function commit(g, days) {
    var r = root();
    var start = addDays(g.dataset.start, days);
    g.classList.add("saving");
    return fetch("/api/v1/projects/" + r.dataset.project + "/tasks/" + g.dataset.id + "/reschedule", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ start_date: start, version: +g.dataset.version })
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.ok) {
          toast(r.dataset.msgMoved.replace("{n}", body.moved ? body.moved.length : 0));
          return refresh(g.dataset.id);
        }
        toast(errorText(body));
        if (res.status === 409) return refresh(g.dataset.id); // someone else's change: show it
        reset(g);
      });
    }).catch(function () { toast(r.dataset.msgFailed); reset(g); });
  }

  function place(g, days) {
    var w = +root().dataset.dayw;
    g.setAttribute("transform", days ? "translate(" + days * w + ",0)" : "");
    g.dataset.shift = days;
    var label = document.getElementById("gantt-drag-label");
    if (!days) { if (label) label.remove(); return; }
    var bar = g.querySelector("rect, polygon");
    var box = bar.getBBox();
    if (!label) {
      label = document.createElementNS("http://www.w3.org/2000/svg", "text");
      label.id = "gantt-drag-label";
      label.setAttribute("class", "gantt-drag-label");
      g.ownerSVGElement.appendChild(label);
    }
    label.setAttribute("x", box.x + days * w);
    label.setAttribute("y", box.y - 3);
    label.textContent = addDays(g.dataset.start, days);
  }

  function reset(g) {
    g.classList.remove("saving", "dragging");
    place(g, 0);
  }

  // Pointer dragging.
  var drag = null;
  document.addEventListener("pointerdown", function (e) {
    var g = e.target.closest && e.target.closest(".gantt-drag");
    if (!g || e.button !== 0 || !root() || !root().dataset.editable) return;
    drag = { g: g, x: e.clientX, days: 0, moved: false, id: e.pointerId };
    g.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  document.addEventListener("pointermove", function (e) {
    if (!drag || e.pointerId !== drag.id) return;
    var dx = e.clientX - drag.x;
    if (!drag.moved && Math.abs(dx) < 3) return;
    drag.moved = true;
    drag.g.classList.add("dragging");
    var days = Math.round(dx / +root().dataset.dayw);
    if (days !== drag.days) { drag.days = days; place(drag.g, days); }
  });
  function endDrag(e, cancel) {
    if (!drag || e.pointerId !== drag.id) return;
    var d = drag;
    drag = null;
    d.g.classList.remove("dragging");
    if (cancel || !d.days) { reset(d.g); return; }
    commit(d.g, d.days);
  }
  document.addEventListener("pointerup", function (e) { endDrag(e, false); });
  document.addEventListener("pointercancel", function (e) { endDrag(e, true); });

  // Keyboard: ← → move by a day, Enter saves, Escape puts it back.
  document.addEventListener("keydown", function (e) {
    var g = e.target.closest && e.target.closest(".gantt-drag");
    if (!g) return;
    var days = +(g.dataset.shift || 0);
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      place(g, days + (e.key === "ArrowRight" ? 1 : -1));
      e.preventDefault();
    } else if (e.key === "Enter") {
      if (days) commit(g, days);
      e.preventDefault();
    } else if (e.key === "Escape") {
      reset(g);
    }
  });
  document.addEventListener("focusout", function (e) {
    var g = e.target.closest && e.target.closest(".gantt-drag");
    if (g && !g.classList.contains("saving") && +(g.dataset.shift || 0)) reset(g);
  });

  // The baseline picker shows its choice at once.
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("select[data-autosubmit]")) e.target.form.submit();
  });

  scrollToToday();
})();
