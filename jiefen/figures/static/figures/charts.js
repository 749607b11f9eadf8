// Charts of the figures page (数据研判). Data comes from <script type="application/json"> elements rendered by
// Django's json_script; this file is the only code (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  var BLUE = "#2563eb", GREEN = "#16a34a", AMBER = "#f59e0b", RED = "#dc2626", GREY = "#94a3b8";
  var charts = [];

  function base(extra) {
    var option = {
      animation: false,
      textStyle: { fontFamily: "system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" },
      grid: { left: 36, right: 12, top: 36, bottom: 48, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis" }
    };
    for (var key in extra) { option[key] = extra[key]; }
    return option;
  }

  function draw(name, option, links) {
    var el = document.querySelector('[data-chart="' + name + '"]');
    if (!el || !window.echarts) { return; }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    if (links) {
      // Every bar leads to the cases behind it, as every number on the page does.
      chart.on("click", function (params) {
        var url = links[params.dataIndex];
        if (url) { window.location.href = url; }
      });
    }
    charts.push(chart);
  }

  function init() {
    var months = data("fig-by-month") || [];
    var place = data("fig-by-place") || { rows: [] };
    var categories = data("fig-by-category") || [];
    var monthNames = months.map(function (m) { return m.month; });
    var monthLinks = months.map(function (m) { return m.url; });

    draw("trend", base({
      xAxis: { type: "category", data: monthNames, axisLabel: { rotate: 45 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "登记（件）", type: "line", data: months.map(function (m) { return m.received; }), color: BLUE },
        { name: "人次", type: "line", data: months.map(function (m) { return m.persons; }), color: AMBER },
        { name: "化解（件）", type: "line", data: months.map(function (m) { return m.resolved; }), color: GREEN }
      ]
    }), monthLinks);

    draw("stock", base({
      xAxis: { type: "category", data: monthNames, axisLabel: { rotate: 45 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "新增", type: "bar", data: months.map(function (m) { return m.received; }), color: BLUE },
        { name: "办结", type: "bar", data: months.map(function (m) { return m.closed; }), color: GREEN },
        { name: "不予受理、转送", type: "bar",
          data: months.map(function (m) { return (m.not_accepted || 0) + (m.forwarded || 0); }), color: GREY },
        { name: "月末存量", type: "line", data: months.map(function (m) { return m.open_end; }), color: AMBER }
      ]
    }), monthLinks);

    var rows = place.rows.slice(0, 30);
    draw("place", base({
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { rotate: 45, interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "登记", type: "bar", data: rows.map(function (r) { return r.received; }), color: BLUE },
        { name: "超期（当前）", type: "bar", data: rows.map(function (r) { return r.overdue; }), color: RED }
      ]
    }), rows.map(function (r) { return r.received_url; }));

    var top = categories.slice(0, 15).reverse();
    draw("category", base({
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: top.map(function (c) { return c.name; }) },
      series: [{ name: "登记", type: "bar", data: top.map(function (c) { return c.received; }), color: BLUE }]
    }), top.map(function (c) { return c.url; }));

    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    // Printing: let the charts take the width of the printed page.
    window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
