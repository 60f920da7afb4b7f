// /networks: each co-offending group's network as an ECharts graph. The data comes from the page's
// <script type="application/json" id="networks-data"> (never executed; CSP: script-src 'self').
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("networks-data");
    if (!source || typeof echarts === "undefined") { return; }
    var groups = JSON.parse(source.textContent || "[]");
    groups.forEach(function (g) {
      var el = document.getElementById("network-" + g.id);
      if (!el) { return; }
      var old = echarts.getInstanceByDom(el);
      if (old) { old.dispose(); }
      var degree = g.nodes.map(function () { return 0; });
      g.links.forEach(function (l) { degree[l[0]] += l[2]; degree[l[1]] += l[2]; });
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        tooltip: { formatter: function (p) {
          return p.dataType === "edge" ? p.data.value + " \u00d7" : p.name;
        } },
        series: [{
          type: "graph",
          layout: "force",
          roam: true,
          force: { repulsion: 120, edgeLength: [40, 120] },
          label: { show: true, position: "right", fontSize: 10,
                   formatter: function (p) { return p.name.split(" \u00b7 ")[0]; } },
          data: g.nodes.map(function (name, k) {
            return { name: name, symbolSize: 10 + Math.min(20, 2 * degree[k]) };
          }),
          links: g.links.map(function (l) {
            return { source: l[0], target: l[1], value: l[2], lineStyle: { width: Math.min(6, l[2]) } };
          })
        }]
      });
      drawGrowth(g);
    });
  }

  // members seen so far and incidents so far, as steps over the group's days
  function drawGrowth(g) {
    var el = document.getElementById("growth-" + g.id);
    if (!el || !g.growth || !g.growth.length) { return; }
    var old = echarts.getInstanceByDom(el);
    if (old) { old.dispose(); }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: g.growth.map(function (p) { return p[0]; }),
               axisLabel: { formatter: function (v) { return v.slice(0, 5); } } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: g.series[0], type: "line", step: "end", data: g.growth.map(function (p) { return p[1]; }) },
        { name: g.series[1], type: "line", step: "end", data: g.growth.map(function (p) { return p[2]; }) }
      ]
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () {
    document.querySelectorAll(".group-network, .group-growth").forEach(function (el) {
      var c = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
      if (c) { c.resize(); }
    });
  });
})();
