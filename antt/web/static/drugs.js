// /drugs: the communes coloured by their official drug status (inherited decisions paler), and the
// recognised drug-free share at the end of each year against the city's plan. The data comes from the
// page's <script type="application/json" id="drugs-data"> (never executed; CSP: script-src 'self').
(function () {
  "use strict";

  var COLORS = { drug_free: "#2e7d32", class_3: "#f2c14e", class_2: "#e07b24", class_1: "#b3261e",
                 none: "#9aa3ad", undecided: "#eef0f3" };
  var ORDER = ["drug_free", "class_3", "class_2", "class_1", "none", "undecided"];

  function drawMap(data) {
    var el = document.getElementById("drug-map");
    if (!el) { return; }
    window.ANTT.loadCommuneMap().then(function (geo) {  // registered as "communes"; neighbours outlined
      var own = {};
      geo.features.forEach(function (f) { if (!f.properties.outline) { own[f.properties.code] = f; } });
      // one region per commune of the reader's scope, coloured by its status; neighbours stay blank
      var regions = Object.keys(own).map(function (code) {
        var s = data.statuses[code];
        var key = s ? s.status : "undecided";
        return { name: code, itemStyle: { areaColor: COLORS[key], opacity: s && s.inherited ? 0.55 : 1 } };
      });
      var option = {
        animation: false,
        tooltip: { trigger: "item", formatter: function (p) {
          var f = own[p.name];
          if (!f) { return ""; }
          var s = data.statuses[p.name];
          var text = (f.properties.name || p.name) + ": " +
            (s ? data.labels[s.status] + (s.inherited ? " (" + data.labels.inherited + ")" : "") : data.labels.undecided);
          return echarts.format.encodeHTML(text);
        } },
        legend: { bottom: 0, data: ORDER.map(function (k) { return data.labels[k]; }) },
        geo: {
          map: "communes", nameProperty: "code", roam: true, selectedMode: false,
          itemStyle: { borderColor: "#666", borderWidth: 0.4, areaColor: "#f8f9fa" },
          emphasis: { itemStyle: { areaColor: "#f6d8a8" }, label: { show: false } },
          regions: regions
        },
        // the legend's swatches: empty series, one per status
        series: ORDER.map(function (k) {
          return { name: data.labels[k], type: "scatter", coordinateSystem: "geo", data: [],
                   itemStyle: { color: COLORS[k] } };
        })
      };
      if (!data.unit && Object.keys(own).length > 20) {  // the city: open on the mainland, islands a drag away
        option.geo.center = [106.66, 20.85];
        option.geo.zoom = 1.6;
      }
      if (data.unit && own[data.unit]) {  // a commune chosen: the view on it and its neighbours
        var b = window.ANTT.bbox(own[data.unit].geometry);
        var pad = Math.max(b[2] - b[0], b[3] - b[1]) * 0.6;
        option.geo.boundingCoords = [[b[0] - pad, b[3] + pad], [b[2] + pad, b[1] - pad]];
      }
      whenSized(el, 120, function () {
        echarts.init(el, null, { renderer: "canvas" }).setOption(option);
        el.dataset.ready = "true";
        el.dataset.regions = String(regions.length);
      });
    });
  }

  // a geo map set up in a box of no size has no scale and ECharts throws: wait (a frame at a time, at most
  // `frames`) until the page has laid the box out
  function whenSized(el, frames, then) {
    if (el.clientWidth > 0 && el.clientHeight > 0) { then(); return; }
    if (frames > 0) { window.requestAnimationFrame(function () { whenSized(el, frames - 1, then); }); }
  }

  function drawShare(data) {
    var el = document.getElementById("drug-share-chart");
    if (!el) { return; }
    var years = [];
    data.history.concat(data.plan).forEach(function (p) { if (years.indexOf(p[0]) < 0) { years.push(p[0]); } });
    years.sort();
    var at = function (points) {
      var by = {};
      points.forEach(function (p) { by[p[0]] = p[1]; });
      return years.map(function (y) { return by[y] === undefined ? null : by[y]; });
    };
    echarts.init(el, null, { renderer: "canvas" }).setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) {
        return v === null || v === undefined ? "—" : Number(v).toLocaleString(document.documentElement.lang) + " %";
      } },
      legend: { bottom: 0 },
      grid: { left: 44, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: years.map(String) },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } },
      series: [
        { name: data.labels.share, type: "bar", data: at(data.history), itemStyle: { color: COLORS.drug_free } },
        { name: data.labels.plan, type: "line", data: at(data.plan), connectNulls: true, symbolSize: 8,
          lineStyle: { type: "dashed", color: "#14365f" }, itemStyle: { color: "#14365f" } }
      ]
    });
    el.dataset.ready = "true";
  }

  function draw() {
    var source = document.getElementById("drugs-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent || "{}");
    drawMap(data);
    drawShare(data);
  }

  // redrawn on a resize by app.js, with every chart of the page, only while it has a size (a geo map resized
  // to nothing has no scale and ECharts throws)
  document.addEventListener("DOMContentLoaded", draw);
})();
