// One bar chart for tables of rows: labels from one column, numbers from the numeric columns.
// Used by the SPARQL workbench, the comparison pages and the indicator pages.
window.policykgChart = function (element, labels, series) {
  if (!window.echarts || !element) return null;
  var chart = window.echarts.getInstanceByDom(element) || window.echarts.init(element, null, {renderer: "svg"});
  chart.setOption({
    aria: {enabled: true},
    tooltip: {trigger: "axis"},
    legend: {type: "scroll", top: 0},
    grid: {left: 8, right: 8, bottom: 8, top: 36, containLabel: true},
    // Every label while a few fit; past that ECharts leaves out the ones that would overlap.
    xAxis: {type: "category", data: labels, axisLabel: {interval: labels.length > 12 ? "auto" : 0,
            rotate: labels.length > 6 ? 40 : 0, width: 140, overflow: "truncate"}},
    yAxis: {type: "value"},
    series: series.map(function (s) { return {name: s.name, type: "bar", data: s.values}; }),
  }, true);
  window.addEventListener("resize", function () { chart.resize(); });
  return chart;
};

// Rows (objects of plain values) → a chart when some column is numeric in every row that has it.
window.policykgChartRows = function (element, columns, rows, names) {
  var numeric = columns.filter(function (c) {
    var seen = rows.filter(function (r) { return r[c] !== undefined && r[c] !== ""; });
    return seen.length > 0 && seen.every(function (r) { return !isNaN(parseFloat(r[c])) && isFinite(r[c]); });
  });
  var labelColumns = columns.filter(function (c) { return numeric.indexOf(c) < 0; });
  if (!numeric.length || !rows.length) return false;
  var labels = rows.map(function (r) {
    return labelColumns.slice(0, 2).map(function (c) { return r[c] || ""; }).filter(Boolean).join(" · ");
  });
  window.policykgChart(element, labels, numeric.map(function (c) {
    return {name: (names && names[c]) || c, values: rows.map(function (r) { return r[c] === undefined ? null : parseFloat(r[c]); })};
  }));
  return true;
};

// Every element with a data-chart attribute ({labels, series}) becomes its chart.
document.querySelectorAll("[data-chart]").forEach(function (box) {
  var data = JSON.parse(box.dataset.chart);
  window.policykgChart(box, data.labels, data.series);
});
