// golive's only first-party script. No inline script exists anywhere (the
// CSP forbids it), so small behaviours hang off data- attributes here.
(function () {
  "use strict";
  // The switcher's options are cached HTML shared by every page, so the
  // current project is selected here, from the URL.
  document.addEventListener("DOMContentLoaded", function () {
    var sel = document.querySelector("[data-nav-select]");
    var m = window.location.pathname.match(/^\/projects\/(\d+)/);
    if (sel && m) sel.value = "/projects/" + m[1];
  });
  document.addEventListener("change", function (e) {
    var sel = e.target.closest("[data-nav-select]");
    if (sel && sel.value) window.location.href = sel.value;
  });
  document.addEventListener("submit", function (e) {
    var f = e.target.closest("form[data-confirm]");
    if (f && !window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-reload]");
    if (b) { e.preventDefault(); window.location.reload(); }
    var p = e.target.closest("[data-print]");
    if (p) { e.preventDefault(); window.print(); }
  });
  // Error answers to htmx requests arrive retargeted to #toast; make sure
  // htmx swaps them instead of silently dropping 4xx/5xx bodies.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var s = e.detail.xhr.status;
    if (s >= 400) { e.detail.shouldSwap = true; e.detail.isError = false; }
  });
  // ----- discuss: a mention chip inserts "@name " at the cursor of its comment box -----
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-mention]");
    if (!b) return;
    var box = document.getElementById(b.closest("[data-mention-for]").getAttribute("data-mention-for"));
    if (!box) return;
    var at = box.selectionStart != null ? box.selectionStart : box.value.length;
    var before = box.value.slice(0, at), after = box.value.slice(box.selectionEnd != null ? box.selectionEnd : at);
    var text = (before && !/\s$/.test(before) ? " " : "") + "@" + b.getAttribute("data-mention") + " ";
    box.value = before + text + after;
    box.focus();
    box.selectionStart = box.selectionEnd = before.length + text.length;
  });
})();
