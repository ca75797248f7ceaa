// pgprobe docs: search over every page, zoomable diagrams, diagram nodes that link to pages.
// Plain script (no modules, no fetch) so the site works from file:// without a server.
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";
  var pages = window.PGPROBE_DOCS || [];
  var byKey = {};
  pages.forEach(function (p) { if (p.key && !(p.key in byKey)) byKey[p.key] = p; });

  // -- search ------------------------------------------------------------------------
  var input = document.getElementById("search");
  var list = document.getElementById("results");
  function score(p, terms) {
    var hay = (p.title + " " + p.words).toLowerCase();
    var s = 0;
    for (var i = 0; i < terms.length; i++) {
      if (hay.indexOf(terms[i]) < 0) return -1;
      var key = p.key.toLowerCase(), name = key.split("(")[0].split(".").pop();
      if (key.indexOf(terms[i]) >= 0) s += 2;
      if (name.indexOf(terms[i]) === 0) s += 3;
    }
    return s;
  }
  function search() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.innerHTML = "";
    if (!terms.length) return;
    pages.map(function (p) { return [score(p, terms), p]; })
      .filter(function (x) { return x[0] >= 0; })
      .sort(function (a, b) { return b[0] - a[0] || (a[1].path < b[1].path ? -1 : 1); })
      .slice(0, 25)
      .forEach(function (x) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = root + x[1].path;
        a.textContent = x[1].title;
        var kind = document.createElement("small");
        kind.textContent = x[1].kind;
        a.appendChild(kind);
        li.appendChild(a);
        list.appendChild(li);
      });
  }
  if (input) {
    input.addEventListener("input", search);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && list.firstChild) window.location.href = list.firstChild.firstChild.href;
      if (e.key === "Escape") { input.value = ""; search(); }
    });
  }

  // -- zoomable diagrams -----------------------------------------------------------------
  document.querySelectorAll("figure.diagram").forEach(function (fig) {
    var view = fig.querySelector(".viewport"), svg = view.querySelector("svg");
    if (!svg) return;
    var state = { k: 1, x: 0, y: 0 }, drag = null;
    function apply() {
      svg.style.transform = "translate(" + state.x + "px," + state.y + "px) scale(" + state.k + ")";
    }
    function fit() {
      var w = svg.getBBox ? svg.width.baseVal.value : 0, h = svg.height.baseVal.value;
      state.k = w && h ? Math.min(1, view.clientWidth / w, view.clientHeight / h) : 1;
      state.x = 0; state.y = 0; apply();
    }
    function zoom(f, cx, cy) {
      cx = cx === undefined ? view.clientWidth / 2 : cx;
      cy = cy === undefined ? view.clientHeight / 2 : cy;
      state.x = cx - (cx - state.x) * f; state.y = cy - (cy - state.y) * f; state.k *= f; apply();
    }
    view.addEventListener("wheel", function (e) {
      e.preventDefault();
      var r = view.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    view.addEventListener("mousedown", function (e) { drag = [e.clientX - state.x, e.clientY - state.y]; });
    window.addEventListener("mouseup", function () { drag = null; });
    window.addEventListener("mousemove", function (e) {
      if (drag) { state.x = e.clientX - drag[0]; state.y = e.clientY - drag[1]; apply(); }
    });
    fig.querySelectorAll(".diagram-tools button").forEach(function (b) {
      b.addEventListener("click", function () {
        var f = parseFloat(b.getAttribute("data-zoom"));
        if (f) zoom(f); else fit();
      });
    });
    svg.querySelectorAll("g.node").forEach(function (node) {
      var title = node.querySelector("title"), page = title && byKey[title.textContent];
      if (!page) return;
      node.classList.add("linked");
      node.addEventListener("click", function () { window.location.href = root + page.path; });
    });
    fit();
  });
})();
