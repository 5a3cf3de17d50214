// The workflow page (work module): drag a status row to reorder the
// board's columns. The whole order is sent with each status's version, so
// a status changed meanwhile by someone else is refused (409) and the
// rows snap back. Without JavaScript the page still renames, adds,
// removes and restores through plain forms.
(function () {
  "use strict";
  var body = document.getElementById("workflow-rows");
  if (!body || !body.getAttribute("data-reorder") || !window.Sortable) return;
  var note = document.getElementById("workflow-live");

  function say(msg) { if (note) note.textContent = msg; }

  function order() {
    return Array.prototype.map.call(body.querySelectorAll("tr[data-id]"), function (r) {
      return { id: parseInt(r.getAttribute("data-id"), 10), version: parseInt(r.getAttribute("data-version"), 10) };
    });
  }

  window.Sortable.create(body, {
    handle: ".drag-handle", draggable: "tr", filter: ".wf-move", preventOnFilter: false, animation: 120,
    forceFallback: true, fallbackTolerance: 3,
    onEnd: function (evt) {
      if (evt.oldIndex === evt.newIndex) return;
      var item = evt.item;
      function snapBack(msg) {
        var rows = Array.prototype.filter.call(body.querySelectorAll("tr[data-id]"), function (r) { return r !== item; });
        body.insertBefore(item, rows[evt.oldIndex] || null);
        say(msg);
      }
      fetch(body.getAttribute("data-reorder"), {
        method: "PUT", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ order: order() })
      }).then(function (res) {
        return res.json().then(function (j) { return { ok: res.ok, j: j }; }, function () { return { ok: res.ok, j: null }; });
      }).then(function (r) {
        if (!r.ok) {
          var msg = body.getAttribute("data-msg-failed");
          if (r.j && r.j.error) msg += " " + r.j.error.message;
          snapBack(msg);
          return;
        }
        r.j.forEach(function (s) {
          var row = body.querySelector('tr[data-id="' + s.id + '"]');
          if (row) row.setAttribute("data-version", String(s.version));
        });
        // Every form on the page carries a version; they are now stale.
        body.querySelectorAll("tr[data-id]").forEach(function (row) {
          row.querySelectorAll('input[name="version"]').forEach(function (i) { i.value = row.getAttribute("data-version"); });
        });
        say(body.getAttribute("data-msg-saved"));
      }).catch(function () { snapBack(body.getAttribute("data-msg-failed")); });
    }
  });
})();
