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
    drawMaps(groups);
  }

  // where the group acted: its communes shaded, its incidents with a recorded place as points, the view
  // fitted to them; the commune outlines are those of the reader's scope (GET /api/map/communes)
  function drawMaps(groups) {
    var els = groups.map(function (g) { return document.getElementById("map-" + g.id); });
    if (!els.some(function (el) { return el; })) { return; }
    var labels = JSON.parse((document.getElementById("networks-labels") || {}).textContent || "{}");
    window.ANTT.loadCommuneMap().then(function (geo) {
      var boxes = {};
      geo.features.forEach(function (f) { boxes[f.properties.code] = window.ANTT.bbox(f.geometry); });
      groups.forEach(function (g, k) { if (els[k]) { drawMap(els[k], g, boxes, labels); } });
    });
  }

  function drawMap(el, g, boxes, labels) {
    var old = echarts.getInstanceByDom(el);
    if (old) { old.dispose(); }
    // the view: the group's points and communes, with a margin
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    function take(x) { b = [Math.min(b[0], x[0]), Math.min(b[1], x[1]), Math.max(b[2], x[2]), Math.max(b[3], x[3])]; }
    g.points.forEach(function (p) { take([p[0], p[1], p[0], p[1]]); });
    g.communes.forEach(function (code) { if (boxes[code]) { take(boxes[code]); } });
    var option = {
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) {
        return p.seriesType === "scatter" ? echarts.format.encodeHTML(p.value[3] + " \u00b7 " + p.value[2]) : "";
      } },
      geo: {
        map: "communes", nameProperty: "code", roam: true, selectedMode: false,
        itemStyle: { borderColor: "#777", borderWidth: 0.5, areaColor: "#eef0f3" },
        emphasis: { disabled: true },
        regions: g.communes.map(function (code) { return { name: code, itemStyle: { areaColor: "#f6d8a8" } }; })
      },
      series: [{ name: labels.incidents, type: "scatter", coordinateSystem: "geo", data: g.points,
                 symbolSize: 9, itemStyle: { color: "#b3261e", borderColor: "#fff", borderWidth: 1 } }]
    };
    if (isFinite(b[0])) {
      var pad = Math.max(b[2] - b[0], b[3] - b[1], 0.01) * 0.15;
      option.geo.boundingCoords = [[b[0] - pad, b[3] + pad], [b[2] + pad, b[1] - pad]];
    }
    if (!g.points.length) {
      option.title = { text: labels.no_place, left: 8, top: 8, textStyle: { fontSize: 12, fontWeight: 400 } };
    }
    echarts.init(el, null, { renderer: "canvas" }).setOption(option);
    el.dataset.points = String(g.points.length);
    el.dataset.ready = "true";
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

  // redrawn on a resize by app.js, with every chart of the page, only while it has a size
  document.addEventListener("DOMContentLoaded", draw);
})();
