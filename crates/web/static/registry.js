// The import form's progress: the upload's bytes (htmx reports them), then "checking" while
// the server reads the file. Without JavaScript the form posts normally and the page waits.
(function () {
  document.addEventListener("htmx:xhr:progress", function (e) {
    var form = document.getElementById("import-form");
    if (!form || !form.contains(e.target) || !e.detail.lengthComputable) return;
    var bar = form.querySelector("progress");
    var done = e.detail.loaded >= e.detail.total;
    bar.value = Math.round((e.detail.loaded / e.detail.total) * 100);
    if (done) bar.removeAttribute("value");
    form.querySelector("[data-uploading]").hidden = done;
    form.querySelector("[data-checking]").hidden = !done;
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = document.getElementById("import-form");
    if (!form || e.target !== form) return;
    form.querySelector("progress").value = 0;
    form.querySelector("[data-uploading]").hidden = false;
    form.querySelector("[data-checking]").hidden = true;
  });
})();
