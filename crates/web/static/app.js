// Loaded in <head> on every page, before the header is drawn: marks that scripts run (so the
// phone header collapses to a menu only when the menu button can open it) and wires the button.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
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
