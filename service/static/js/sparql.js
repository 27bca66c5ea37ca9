// The SPARQL workbench: YASGUI on this service's /sparql, with the vocabulary's prefixes, the
// curated queries as examples, and a chart of numeric results. Nothing is fetched from elsewhere:
// prefix and vocabulary look-ups on the internet are switched off.
(function () {
  var root = document.getElementById("workbench");
  var prefixes = JSON.parse(root.dataset.prefixes);
  var examples = JSON.parse(root.dataset.examples);
  var header = Object.keys(prefixes).map(function (p) { return "PREFIX " + p + ": <" + prefixes[p] + ">"; }).join("\n");
  var fromLink = new URLSearchParams(window.location.hash.slice(1)).get("query");
  var start = fromLink || root.dataset.start || header + "\n\nSELECT * WHERE { ?s ?p ?o } LIMIT 10";
  var endpoint = new URL(root.dataset.endpoint, window.location.href).toString();

  var yasgui = new window.Yasgui(root, {
    requestConfig: {endpoint: endpoint, method: "POST"},
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: {getData: function () { return [{endpoint: endpoint}]; }},
    yasqe: {value: start, autocompleters: ["variables"], resizeable: true, editorHeight: "22rem"},
    yasr: {prefixes: prefixes, defaultPlugin: "table"},
  });

  function current() { return yasgui.getTab(); }
  current().setQuery(start);

  document.getElementById("examples").addEventListener("change", function (event) {
    var example = examples[event.target.value];
    if (example) current().setQuery(example.sparql);
  });

  var chartBox = document.getElementById("chart");
  var note = document.getElementById("chart-note");
  function chart(yasr) {
    var results = yasr.results;
    if (!results || !results.getVariables || !results.getVariables()) return;
    var columns = results.getVariables();
    var rows = (results.getBindings() || []).slice(0, 200).map(function (binding) {
      var row = {};
      columns.forEach(function (c) { if (binding[c]) row[c] = binding[c].value; });
      return row;
    });
    var drawn = window.policykgChartRows(chartBox, columns, rows);
    note.textContent = drawn ? "前 " + rows.length + " 行的数值列。" : "这个结果没有数值列，无法作图。";
    accessible();
  }
  // YASGUI's own controls, named for screen readers (axe-core checks every page).
  function accessible() {
    root.querySelectorAll(".CodeMirror textarea").forEach(function (e) { e.setAttribute("aria-label", "SPARQL 查询"); });
    root.querySelectorAll(".CodeMirror-scroll").forEach(function (e) { e.setAttribute("tabindex", "0"); });
    root.querySelectorAll(".tableSizer").forEach(function (e) { e.setAttribute("aria-label", "每页行数"); });
    root.querySelectorAll("input.autocomplete, .tableFilter").forEach(function (e) { e.setAttribute("aria-label", "地址或筛选"); });
    root.querySelectorAll(".tabsList > div:not(.tab)").forEach(function (e) { e.setAttribute("aria-hidden", "true"); });
  }
  function watch(tab) {
    if (!tab || tab.policykgWatched) return;
    tab.policykgWatched = true;
    tab.getYasr().on("drawn", chart);
  }
  yasgui.on("queryResponse", function (_yasgui, tab) { watch(tab); });
  yasgui.on("tabSelect", function () { setTimeout(function () { watch(current()); accessible(); }, 0); });
  watch(current());
  accessible();
})();
