// Loaded in <head> on every page, before the header is drawn: marks that scripts run (so the
// phone header collapses to a menu only when the menu button can open it) and wires the button.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  // After a failed submit, the list of what to fix takes the focus (and the screen reader's
  // attention), so nobody has to look for it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); summary.scrollIntoView({ block: "center" }); }
  // A link to a folded section («Sửa» → #edit) unfolds it.
  function unfold() {
    var el = location.hash && document.getElementById(location.hash.slice(1));
    if (el && el.tagName === "DETAILS") { el.open = true; el.scrollIntoView({ block: "start" }); }
  }
  window.addEventListener("hashchange", unfold);
  unfold();
  var button = document.querySelector(".menu-toggle");
  var top = document.querySelector(".top");
  if (!button || !top) return;
  button.addEventListener("click", function () {
    var open = top.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && top.classList.contains("open")) {
      top.classList.remove("open");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
});
