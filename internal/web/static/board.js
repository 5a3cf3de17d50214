// The work module's script: the collapsible WBS tree, and the kanban
// board — drag and drop (SortableJS) that persists through the API, and
// live updates from the board's event stream. No inline script exists
// (the CSP forbids it); everything hangs off data- attributes.
(function () {
  "use strict";

  // ----- WBS tree: collapse and expand subtasks -----
  function initTree(table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-id]"));
    var byId = {};
    rows.forEach(function (r) { byId[r.getAttribute("data-id")] = r; });
    var collapsed = {};
    function hiddenByAncestor(r) {
      var p = r.getAttribute("data-parent");
      while (p && byId[p]) {
        if (collapsed[p]) return true;
        p = byId[p].getAttribute("data-parent");
      }
      return false;
    }
    table.addEventListener("click", function (e) {
      var b = e.target.closest("[data-toggle]");
      if (!b) return;
      var id = b.getAttribute("data-toggle");
      collapsed[id] = !collapsed[id];
      b.setAttribute("aria-expanded", collapsed[id] ? "false" : "true");
      b.textContent = collapsed[id] ? "▸" : "▾";
      rows.forEach(function (r) { r.hidden = hiddenByAncestor(r); });
    });
  }
  var tree = document.getElementById("tasks");
  if (tree && !tree.classList.contains("flat")) initTree(tree);

  // ----- kanban board -----
  var board = document.getElementById("board");
  if (!board) return;
  var projectCards = board.getAttribute("data-cards");
  var moveBase = board.getAttribute("data-move");
  var query = board.getAttribute("data-query") || "";
  var dragging = false;
  var reloadPending = false;

  function toast(msg) {
    var t = document.getElementById("toast");
    if (!t) { window.alert(msg); return; }
    t.innerHTML = "";
    var d = document.createElement("div");
    d.className = "toast-msg";
    d.textContent = msg;
    t.appendChild(d);
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.innerHTML = ""; }, 6000);
  }

  function cardEl(id) { return document.getElementById("card-" + id); }

  function head(status) { return board.querySelector('.board-col-head[data-status="' + status + '"]'); }

  function setCount(status, n) {
    var h = head(status);
    if (!h) return;
    h.querySelector(".count").textContent = String(n);
    var lim = parseInt(h.getAttribute("data-limit"), 10) || 0;
    h.classList.toggle("over", lim > 0 && n > lim);
    h.classList.toggle("at", lim > 0 && n === lim);
  }

  function addCount(status, d) {
    var h = head(status);
    if (!h) return;
    setCount(status, (parseInt(h.querySelector(".count").textContent, 10) || 0) + d);
  }

  function applyCounts(json) {
    if (!json) return;
    var counts;
    try { counts = JSON.parse(json); } catch (e) { return; }
    board.querySelectorAll(".board-col-head").forEach(function (h) {
      var s = h.getAttribute("data-status");
      setCount(s, counts[s] || 0);
    });
  }

  // Lane badges count the cards the lane shows; cards come and go
  // across lanes with drops and live updates.
  function laneCounts() {
    board.querySelectorAll("section.lane").forEach(function (l) {
      var b = l.querySelector(".lane-title .badge");
      if (b) b.textContent = String(l.querySelectorAll(".card-item").length);
    });
  }

  // Places a card in its cell by rank (ties by id), as the server orders.
  function place(el) {
    var cell = board.querySelector('.board-cell[data-status="' + el.getAttribute("data-status") + '"][data-lane="' + el.getAttribute("data-lane") + '"]');
    if (!cell) return false;
    var rank = parseFloat(el.getAttribute("data-rank"));
    var id = parseInt(el.getAttribute("data-id"), 10);
    var before = null;
    var cards = cell.querySelectorAll(".card-item");
    for (var i = 0; i < cards.length; i++) {
      var c = cards[i];
      if (c === el) continue;
      var r = parseFloat(c.getAttribute("data-rank"));
      if (r > rank || (r === rank && parseInt(c.getAttribute("data-id"), 10) > id)) { before = c; break; }
    }
    cell.insertBefore(el, before);
    laneCounts();
    return true;
  }

  function reload() {
    if (dragging) { reloadPending = true; return; }
    window.location.reload();
  }

  // Re-reads one card with this viewer's permissions and filter.
  function refresh(id) {
    fetch(projectCards + id + query, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (res) {
      var old = cardEl(id);
      if (res.status === 404 || res.status === 204) {
        if (res.status === 204) applyCounts(res.headers.get("X-Board-Counts"));
        else if (old) addCount(old.getAttribute("data-status"), -1);
        if (old) { old.remove(); laneCounts(); }
        return null;
      }
      if (!res.ok) return null;
      applyCounts(res.headers.get("X-Board-Counts"));
      return res.text();
    }).then(function (html) {
      if (!html) return;
      var tpl = document.createElement("template");
      tpl.innerHTML = html.trim();
      var el = tpl.content.firstElementChild;
      if (!el) return;
      var old = cardEl(id);
      if (old && parseInt(old.getAttribute("data-version"), 10) > parseInt(el.getAttribute("data-version"), 10)) return;
      if (old) old.remove();
      if (!place(el)) { reload(); return; }
      el.classList.add("arrived");
      setTimeout(function () { el.classList.remove("arrived"); }, 1600);
    }).catch(function () { /* the next notice or a reload catches up */ });
  }

  // Drag and drop. Across columns a card changes status; across
  // swimlanes it changes its assignee (the lane's person replaces the
  // card's assignees; the unassigned lane clears them) or its phase, in
  // the same request, so a refused change leaves the card where it was.
  function laneChange(body, fromLane, toLane) {
    if (fromLane === toLane) return;
    var m = /^([up])(\d+)$/.exec(toLane || "");
    if (!m) return;
    if (m[1] === "u") body.assignee_id = parseInt(m[2], 10);
    else body.phase_id = parseInt(m[2], 10);
  }

  function onEnd(evt) {
    dragging = false;
    var item = evt.item, from = evt.from, to = evt.to;
    if (from === to && evt.oldIndex === evt.newIndex) { if (reloadPending) reload(); return; }
    var prev = item.previousElementSibling, next = item.nextElementSibling;
    while (prev && !prev.classList.contains("card-item")) prev = prev.previousElementSibling;
    while (next && !next.classList.contains("card-item")) next = next.nextElementSibling;
    var oldStatus = item.getAttribute("data-status");
    var body = {
      status: to.getAttribute("data-status"),
      before_id: prev ? parseInt(prev.getAttribute("data-id"), 10) : 0,
      after_id: next ? parseInt(next.getAttribute("data-id"), 10) : 0,
      version: parseInt(item.getAttribute("data-version"), 10)
    };
    var oldLane = item.getAttribute("data-lane");
    laneChange(body, from.getAttribute("data-lane"), to.getAttribute("data-lane"));
    function snapBack(msg) {
      var ref = from.children[evt.oldIndex] || null;
      if (ref === item) ref = item.nextElementSibling;
      from.insertBefore(item, ref);
      laneCounts();
      toast(msg);
    }
    item.classList.add("saving");
    fetch(moveBase + item.getAttribute("data-id") + "/move", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().then(function (j) { return { ok: res.ok, j: j }; }, function () { return { ok: res.ok, j: null }; });
    }).then(function (r) {
      item.classList.remove("saving");
      if (!r.ok) {
        var msg = board.getAttribute("data-msg-failed");
        if (r.j && r.j.error) {
          msg = r.j.error.message;
          if (r.j.error.fields) {
            for (var k in r.j.error.fields) msg += " " + r.j.error.fields[k];
          }
        }
        snapBack(msg);
        return;
      }
      item.setAttribute("data-version", String(r.j.version));
      item.setAttribute("data-rank", String(r.j.rank));
      item.setAttribute("data-status", r.j.status);
      item.setAttribute("data-lane", to.getAttribute("data-lane"));
      laneCounts();
      // The column counts come from the server (the stream's echo of this
      // move may already have refreshed them; counting here too would
      // count twice).
      // A new lane means new assignee initials or phase on the card.
      if (oldStatus !== r.j.status || oldLane !== to.getAttribute("data-lane")) refresh(r.j.id);
      if (reloadPending) reload();
    }).catch(function () {
      item.classList.remove("saving");
      snapBack(board.getAttribute("data-msg-failed"));
    });
  }

  if (window.Sortable) {
    board.querySelectorAll(".board-cell").forEach(function (cell) {
      window.Sortable.create(cell, {
        // One group for the whole board: lanes are drop targets too.
        group: "board",
        draggable: ".card-item",
        animation: 120,
        // The fallback drags with pointer events, the same on mouse and
        // touch (native HTML5 drag and drop does not work on phones).
        forceFallback: true, fallbackTolerance: 3,
        delay: 150, delayOnTouchOnly: true,
        ghostClass: "ghost", chosenClass: "chosen",
        onStart: function () { dragging = true; },
        onEnd: onEnd
      });
    });
  }

  // Live updates: notices name a card and its version, never its data.
  var live = document.getElementById("board-live");
  if (window.EventSource) {
    var es = new EventSource(board.getAttribute("data-events"));
    var lost = false;
    es.addEventListener("ready", function () {
      if (live) live.textContent = board.getAttribute("data-msg-live");
      board.setAttribute("data-live", "on");
      if (lost) reload(); // notices may have been missed meanwhile
    });
    es.addEventListener("task", function (e) {
      var n = JSON.parse(e.data);
      var el = cardEl(n.task_id);
      if (el && parseInt(el.getAttribute("data-version"), 10) >= n.version) return;
      refresh(n.task_id);
    });
    es.addEventListener("gone", function (e) {
      var n = JSON.parse(e.data);
      var el = cardEl(n.task_id);
      if (el) { addCount(el.getAttribute("data-status"), -1); el.remove(); laneCounts(); }
    });
    es.addEventListener("reorder", reload);
    es.addEventListener("resync", reload);
    es.addEventListener("denied", function () { es.close(); reload(); });
    es.onerror = function () {
      lost = true;
      board.setAttribute("data-live", "off");
      if (live) live.textContent = board.getAttribute("data-msg-offline");
    };
  }
})();
