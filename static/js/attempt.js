/* Taking a test on a weak connection. Every choice is posted by htmx at once (hx-post on the
   question's form). Until the server acknowledges it, the choice is also kept in this device's
   localStorage, retried with backoff, and sent again when the page is reopened or the
   connection returns, so closing the browser or going offline loses nothing. Each click has
   an increasing sequence number: the server never lets an older retry overwrite a newer one. */
(function () {
  "use strict";
  var root = document.getElementById("attempt");
  if (!root || !window.htmx) { return; }
  var key = "attempt:" + root.dataset.attempt;
  var saveUrl = root.dataset.saveUrl;
  var retryTimer = null;
  var retryDelay = 1000;
  var closed = false;
  var signedOut = false;

  function load(name, fallback) {
    try { return JSON.parse(localStorage.getItem(name)) || fallback; } catch (e) { return fallback; }
  }
  function store(name, value) {
    try { localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode: server only */ }
  }
  function pending() { return load(key, {}); }
  function nextSeq() {
    var seq = Math.max(load(key + ":seq", 0) + 1, Date.now());
    store(key + ":seq", seq);
    return seq;
  }
  function label(state) {
    return { saving: root.dataset.labelSaving, saved: "✓ " + root.dataset.labelSaved,
             retrying: "⚠ " + root.dataset.labelRetrying, failed: "✗ " + root.dataset.labelFailed }[state] || "";
  }
  function showState(question, state) {
    var el = document.getElementById("state-" + question);
    if (!el) { return; }
    el.dataset.state = state;
    el.textContent = label(state);
    el.className = "save-state small " + ({ saved: "text-success", retrying: "text-danger fw-semibold",
                                            failed: "text-danger", saving: "text-body-secondary" }[state] || "");
    if (state === "saved") { document.getElementById("q-" + question).dataset.answered = "1"; }
    refreshSummary();
  }
  function refreshSummary() {
    var count = document.querySelectorAll(".question[data-answered]").length;
    document.getElementById("answered-count").textContent = count;
    var waiting = Object.keys(pending()).length;
    var overall = document.getElementById("overall-state");
    overall.textContent = waiting ? label("retrying") : "";
    overall.className = waiting ? "text-danger fw-semibold" : "";
    var note = document.getElementById("offline-note");
    var offline = waiting && !navigator.onLine;
    if (!signedOut) { note.textContent = root.dataset.labelOffline; }
    note.classList.toggle("d-none", !offline && !signedOut);
  }
  function remember(question, option, seq) {
    var all = pending();
    all[question] = { option: option, seq: seq };
    store(key, all);
  }
  function forget(question, seq) {
    var all = pending();
    if (all[question] && all[question].seq <= seq) { delete all[question]; store(key, all); }
  }
  function scheduleRetry() {
    if (retryTimer || closed) { return; }
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  }
  function send(question, entry) {
    var form = document.querySelector('.answer-form[data-question="' + question + '"]');
    htmx.ajax("POST", saveUrl, {
      source: form, swap: "none",
      values: { question: question, option: entry.option, seq: entry.seq }
    });
  }
  function flush() {
    var all = pending();
    Object.keys(all).forEach(function (question) { send(question, all[question]); });
  }

  // A new choice: number it and keep it on the device before it leaves.
  document.body.addEventListener("htmx:configRequest", function (evt) {
    var form = evt.detail.elt;
    if (!form.classList || !form.classList.contains("answer-form")) { return; }
    var params = evt.detail.parameters;
    var question = form.dataset.question;
    if (!params.seq || params.get && !params.get("seq")) {
      var option = form.querySelector("input[name=option]:checked");
      var seq = nextSeq();
      if (params.set) { params.set("seq", seq); } else { params.seq = seq; }
      remember(question, option ? option.value : null, seq);
    }
    showState(question, "saving");
  });

  document.body.addEventListener("htmx:afterRequest", function (evt) {
    var form = evt.detail.elt;
    if (!form.classList || !form.classList.contains("answer-form")) { return; }
    var question = form.dataset.question;
    var xhr = evt.detail.xhr;
    var body = null;
    try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
    if (evt.detail.successful && body) {
      forget(question, Number(body.seq));  // a newer click still in flight stays pending
      if (!pending()[question]) {
        var input = form.querySelector('input[value="' + body.saved + '"]');
        if (input) { input.checked = true; }
        showState(question, "saved");
      }
      retryDelay = 1000;
      return;
    }
    if (xhr && xhr.status === 409) {  // submitted or time is up: nothing more can be saved
      closed = true;
      window.location.href = root.dataset.resultUrl;
      return;
    }
    if (xhr && xhr.status === 401) {  // signed out: keep the answer here, ask to sign in again
      closed = true;
      signedOut = true;
      showState(question, "retrying");
      var note = document.getElementById("offline-note");
      note.textContent = body && body.error ? body.error : root.dataset.labelOffline;
      note.classList.remove("d-none");
      return;
    }
    if (xhr && (xhr.status === 400 || xhr.status === 403 || xhr.status === 404)) {
      forget(question, Number.MAX_SAFE_INTEGER);
      showState(question, "failed");
      return;
    }
    showState(question, "retrying");  // offline, timeout, server restarting: try again
    scheduleRetry();
  });

  window.addEventListener("online", function () { retryDelay = 1000; flush(); });
  window.addEventListener("offline", refreshSummary);

  // Reopened page: choices the server never acknowledged are shown and sent again.
  var left = pending();
  Object.keys(left).forEach(function (question) {
    var entry = left[question];
    var input = document.querySelector('#q-' + question + ' input[value="' + entry.option + '"]');
    if (!input) { forget(question, Number.MAX_SAFE_INTEGER); return; }
    input.checked = true;
    showState(question, "retrying");
  });
  if (Object.keys(pending()).length) { flush(); }

  // Resume where the participant was: the first question without an answer.
  var firstOpen = document.querySelector(".question:not([data-answered])");
  if (firstOpen && document.querySelector(".question[data-answered]")) { firstOpen.scrollIntoView(); }
  refreshSummary();

  // The clock only shows the server's deadline; the server enforces it.
  var submitForm = document.getElementById("submit-form");
  var deadline = Date.now() + Number(root.dataset.remaining) * 1000;
  var timer = document.getElementById("timer");
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    timer.className = "badge fs-6 " + (left < 60 ? "text-bg-danger" : left < 300 ? "text-bg-warning" : "text-bg-dark");
    if (left === 0 && !closed) {
      closed = true;
      submitForm.dataset.timeUp = "1";
      setTimeout(function () { submitForm.submit(); }, Object.keys(pending()).length ? 3000 : 0);
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();

  submitForm.addEventListener("submit", function (evt) {
    if (submitForm.dataset.timeUp) { return; }
    if (Object.keys(pending()).length) {
      evt.preventDefault();
      window.alert(root.dataset.labelUnsavedSubmit);
      flush();
      return;
    }
    if (!window.confirm(root.dataset.labelConfirmSubmit)) { evt.preventDefault(); }
  });
})();
