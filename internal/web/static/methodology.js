// Methodology pages: the template editor adds and removes rows (the page
// also works without this script: it always offers blank rows), and the
// gate review form shows the comment box's meaning for the chosen decision.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var add = e.target.closest("[data-add-row]");
    if (add) {
      e.preventDefault();
      var table = document.getElementById(add.getAttribute("data-add-row"));
      if (!table) return;
      var rows = table.tBodies[0].querySelectorAll("tr:not(.row-err)");
      var last = rows[rows.length - 1];
      if (!last) return;
      var row = last.cloneNode(true);
      row.classList.remove("invalid");
      row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
      row.querySelectorAll("select").forEach(function (s) { s.selectedIndex = 0; });
      table.tBodies[0].appendChild(row);
      var first = row.querySelector("input");
      if (first) first.focus();
      return;
    }
    var rm = e.target.closest("[data-remove-row]");
    if (rm) {
      e.preventDefault();
      var tr = rm.closest("tr");
      var next = tr.nextElementSibling;
      if (next && next.classList.contains("row-err")) next.remove();
      var body = tr.parentNode;
      if (body.querySelectorAll("tr:not(.row-err)").length > 1) {
        tr.remove();
      } else {
        tr.querySelectorAll("input").forEach(function (i) { i.value = ""; });
      }
    }
  });
  document.addEventListener("change", function (e) {
    // Another template offers other modules: reload the form for it
    // (nothing typed is lost: the template is the form's first field).
    var ts = e.target.closest("[data-template-switch]");
    if (ts) {
      var u = new URL(window.location.href);
      u.searchParams.set("template_id", ts.value);
      window.location.href = u.toString();
      return;
    }
    var d = e.target.closest("[data-gate-decision]");
    if (!d) return;
    var hint = document.getElementById("gate-comment-hint");
    if (hint) hint.textContent = d.options[d.selectedIndex].getAttribute("data-hint") || "";
  });
})();
