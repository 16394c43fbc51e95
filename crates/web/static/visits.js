// Visits from a phone with a flaky connection. A visit form (form[data-offline]) is sent with
// fetch; when the phone is offline, or the send fails on the way, the visit is kept in
// localStorage and sent when the phone is back online, oldest first. Every visit carries its
// own client_id, chosen here, so a visit sent twice (an answer lost on the way back) is stored
// once by the server.
(function () {
  'use strict';
  var KEY = 'ansinh.visits.queue';
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || '[]'); } catch (e) { return []; }
  }
  function save(q) { localStorage.setItem(KEY, JSON.stringify(q)); }
  function status() {
    var el = document.getElementById('offline-status');
    if (!el) return;
    var n = load().length;
    el.textContent = n ? el.getAttribute('data-queued').replace('{n}', String(n)) : '';
  }
  function newId() {
    var r = (window.crypto && crypto.randomUUID) ? crypto.randomUUID().replace(/-/g, '')
      : Date.now().toString(36) + Math.random().toString(36).slice(2);
    return 'v-' + r;
  }
  function send(item) {
    return fetch(item.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: item.body,
      credentials: 'same-origin'
    }).then(function (r) {
      // 422: the server read it and refused it (its page says why); anything else but a
      // success is tried again later.
      if (r.ok || r.status === 422) return r;
      throw new Error('HTTP ' + r.status);
    });
  }
  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return;
    var q = load();
    if (!q.length) { status(); return; }
    flushing = true;
    send(q[0]).then(function () {
      var rest = load();
      rest.shift();
      save(rest);
      flushing = false;
      status();
      if (!rest.length) {
        var done = document.getElementById('offline-sent');
        if (done) done.hidden = false;
      }
      flush();
    }, function () { flushing = false; status(); });
  }
  function say(form, attr) {
    var out = form.querySelector('.sent');
    if (out) out.textContent = form.getAttribute(attr) || '';
  }
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches('form[data-offline]')) return;
    ev.preventDefault();
    var idField = form.querySelector('input[name=client_id]');
    if (idField && !idField.value) idField.value = newId();
    var item = { url: form.action, body: new URLSearchParams(new FormData(form)).toString() };
    // The next visit from this form is another visit.
    if (idField) idField.value = newId();
    var queue = function () {
      var q = load();
      q.push(item);
      save(q);
      status();
      say(form, 'data-queued-msg');
    };
    if (!navigator.onLine) { queue(); return; }
    send(item).then(function (r) {
      if (r.status === 422) {
        return r.text().then(function (html) { document.open(); document.write(html); document.close(); });
      }
      window.location.assign(r.url || window.location.href);
    }, queue);
  });
  window.addEventListener('online', flush);
  document.addEventListener('DOMContentLoaded', function () { status(); flush(); });
})();
