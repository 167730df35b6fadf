(function () {
  "use strict";
  var list = document.getElementById("case-list");
  var bar = document.getElementById("filters");
  if (!list || !bar) return;
  document.querySelectorAll("[data-js]").forEach(function (el) { el.hidden = false; });

  var cases = Array.prototype.slice.call(list.children);
  var haystacks = cases.map(function (el) { return (el.getAttribute("data-search") || "").toLowerCase(); });
  function boxes(kind) {
    return Array.prototype.slice.call(bar.querySelectorAll('input[data-filter="' + kind + '"]'));
  }
  var verdicts = boxes("verdict");
  var apis = boxes("api");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown-cases");
  var none = document.getElementById("no-cases");

  function chosen(inputs) {
    var set = Object.create(null);
    inputs.forEach(function (b) { if (b.checked) set[b.value] = true; });
    return set;
  }
  function apply() {
    var v = chosen(verdicts), a = chosen(apis);
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var n = 0;
    cases.forEach(function (el, i) {
      var ok = v[el.getAttribute("data-verdict")] === true &&
        a[el.getAttribute("data-api")] === true &&
        terms.every(function (t) { return haystacks[i].indexOf(t) !== -1; });
      el.hidden = !ok;
      if (ok) n += 1;
    });
    shown.textContent = String(n);
    if (none) none.hidden = n !== 0 || cases.length === 0;
  }
  function only(inputs, keep) { inputs.forEach(function (b) { b.checked = keep(b); }); }
  function all() { return true; }

  bar.addEventListener("submit", function (e) { e.preventDefault(); });
  bar.addEventListener("change", apply);
  search.addEventListener("input", apply);
  bar.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-action]");
    if (!b) return;
    switch (b.getAttribute("data-action")) {
      case "problems": only(verdicts, function (x) { return x.getAttribute("data-problem") === "true"; }); break;
      case "all-verdicts": only(verdicts, all); break;
      case "all-apis": only(apis, all); break;
      case "reset": only(verdicts, all); only(apis, all); search.value = ""; break;
      case "expand":
      case "collapse":
        var open = b.getAttribute("data-action") === "expand";
        cases.forEach(function (el) { if (!el.hidden) el.querySelector("details").open = open; });
        return;
    }
    apply();
  });

  var summary = document.getElementById("summary");
  if (summary) summary.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-show-verdict]");
    if (!a) return;
    var verdict = a.getAttribute("data-show-verdict"), api = a.getAttribute("data-show-api");
    only(verdicts, function (x) { return verdict === "total" || x.value === verdict; });
    only(apis, function (x) { return api === "all" || x.value === api; });
    search.value = "";
    apply();
  });

  document.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-copy]");
    if (!b) return;
    var pre = document.getElementById(b.getAttribute("data-copy"));
    if (!pre) return;
    var text = pre.textContent;
    function done(ok) {
      b.textContent = ok ? "Copied" : "Select and copy";
      setTimeout(function () { b.textContent = "Copy"; }, 1500);
    }
    function fallback() {
      var range = document.createRange();
      range.selectNodeContents(pre);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
      done(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    e.preventDefault();
    search.focus();
  });

  function reveal() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (err) { return; }
    var el = id && document.getElementById(id);
    if (!el || !el.classList.contains("case")) return;
    el.hidden = false;
    el.querySelector("details").open = true;
    el.scrollIntoView({ block: "start" });
  }
  window.addEventListener("hashchange", reveal);
  apply();
  reveal();
})();
