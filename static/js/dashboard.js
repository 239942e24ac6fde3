// The leaders' dashboard charts, drawn from the JSON the page carries (no inline script: CSP).
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  var red = "#a61b1b", palette = [red, "#e07a1f", "#2a6f97", "#6a994e", "#7b2cbf", "#999"];
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var c = echarts.init(el, null, { renderer: "svg" });
    // Tooltips drawn inside the SVG: ECharts' default HTML tooltip writes style="" markup,
    // which the Content Security Policy refuses.
    if (option.tooltip) option.tooltip.renderMode = "richText";
    option.color = palette;
    option.animation = false;
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }
  var cov = data.coverage.levels;
  chart("chart-coverage", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 70, top: 30, bottom: 40 },
    xAxis: { type: "category", data: cov.map(function (r) { return r.label; }), axisLabel: { interval: 0, rotate: 20 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{
      name: "已巡察占比", type: "bar", data: cov.map(function (r) { return r.rate; }),
      label: { show: true, position: "top", formatter: function (p) { var r = cov[p.dataIndex]; return r.inspected + "/" + r.in_scope; } },
      markLine: data.coverage.time_elapsed === null ? undefined : {
        symbol: "none", lineStyle: { type: "dashed", color: "#333" },
        data: [{ yAxis: data.coverage.time_elapsed, name: "任期已过" }], label: { formatter: "任期已过 {c}%" }
      }
    }]
  });
  var d = data.by_district;
  chart("chart-district", {
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 16, top: 20, bottom: 40 },
    xAxis: { type: "category", data: d.map(function (r) { return r.label; }), axisLabel: { interval: 0, rotate: 20 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{ name: "整改完成率", type: "bar", data: d.map(function (r) { return r.rate; }), label: { show: true, position: "top", formatter: function (p) { return p.value === null ? "—" : p.value + "%"; } } }]
  });
  var r = data.by_round;
  chart("chart-round", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 30, bottom: 30 },
    xAxis: { type: "category", data: r.map(function (x) { return x.label; }) },
    yAxis: { type: "value" },
    series: [
      { name: "发现问题", type: "bar", data: r.map(function (x) { return x.found; }) },
      { name: "反馈", type: "bar", data: r.map(function (x) { return x.fed_back; }) },
      { name: "已整改", type: "bar", data: r.map(function (x) { return x.rectified; }) }
    ]
  });
  function pie(id, rows) {
    chart(id, {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["30%", "58%"], center: ["50%", "42%"], data: rows, label: { formatter: "{d}%" } }]
    });
  }
  pie("chart-clue-share", data.clue_share.filter(function (x) { return x.count; }).map(function (x) { return { name: x.label, value: x.count }; }));
  pie("chart-categories", Object.keys(data.categories).map(function (k) { return { name: k, value: data.categories[k] }; }));
})();
