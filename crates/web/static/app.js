// Loaded in <head> on every page, before the header is drawn: marks that scripts run (so the
// phone header collapses to a menu only when the menu button can open it) and wires the button.
document.documentElement.classList.add("js");

// The place picker (templates/macros.html): as one types a place's name or code, the places in
// scope that match are offered below the field; arrows and Enter or a tap choose one, which
// writes «label (code)» into the field. Delegated, so fields loaded later work too.
(function () {
  var timers = new WeakMap(), seqs = new WeakMap();
  function listOf(input) { return document.getElementById(input.getAttribute("aria-controls")); }
  function options(list) { return list.querySelectorAll("[role=option]"); }
  function close(input) {
    var list = listOf(input);
    if (list) { list.hidden = true; list.innerHTML = ""; }
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function mark(input, i) {
    var opts = options(listOf(input));
    opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === i ? "true" : "false"); });
    if (opts[i]) { input.setAttribute("aria-activedescendant", opts[i].id); opts[i].scrollIntoView({ block: "nearest" }); }
  }
  // A field of several places (data-multi): the part after the last «;» is what is typed now.
  function typed(input) {
    return input.hasAttribute("data-multi") ? input.value.split(";").pop() : input.value;
  }
  function choose(input, option) {
    if (input.hasAttribute("data-multi")) {
      var parts = input.value.split(";");
      parts[parts.length - 1] = (parts.length > 1 ? " " : "") + option.getAttribute("data-value");
      input.value = parts.join(";") + "; ";
    } else {
      input.value = option.getAttribute("data-value");
    }
    close(input);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function isPicker(el) { return el && el.matches && el.matches("input[data-place-picker]"); }
  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!isPicker(input)) return;
    clearTimeout(timers.get(input));
    var q = typed(input).trim();
    if (q.length < 2) { close(input); return; }
    timers.set(input, setTimeout(function () {
      var n = (seqs.get(input) || 0) + 1;
      seqs.set(input, n);
      var list = listOf(input);
      var url = "/units/pick?for=" + encodeURIComponent(input.getAttribute("data-place-picker")) +
        "&list=" + encodeURIComponent(list.id) + "&q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (seqs.get(input) !== n || document.activeElement !== input) return;
          list.innerHTML = html;
          var open = list.children.length > 0;
          list.hidden = !open;
          input.setAttribute("aria-expanded", open ? "true" : "false");
        })
        .catch(function () { close(input); });
    }, 200));
  });
  document.addEventListener("keydown", function (e) {
    var input = e.target;
    if (!isPicker(input) || input.getAttribute("aria-expanded") !== "true") return;
    var opts = options(listOf(input));
    var at = Array.prototype.findIndex.call(opts, function (o) { return o.getAttribute("aria-selected") === "true"; });
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!opts.length) return;
      var next = e.key === "ArrowDown" ? (at + 1) % opts.length : (at <= 0 ? opts.length - 1 : at - 1);
      mark(input, next);
    } else if (e.key === "Enter" && at >= 0) {
      e.preventDefault();
      choose(input, opts[at]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close(input);
    }
  }, true);
  document.addEventListener("mousedown", function (e) {
    var option = e.target.closest && e.target.closest(".picker-list [role=option]");
    if (!option) return;
    e.preventDefault();
    var input = document.querySelector("[aria-controls='" + option.parentNode.id + "']");
    if (input) choose(input, option);
  });
  document.addEventListener("focusout", function (e) {
    if (isPicker(e.target)) setTimeout(function () { close(e.target); }, 150);
  });
})();
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
