/* /risk: the top cells and the Gi* hot spots on the communes, drawn with the vendored ECharts from our own
   boundaries (/api/map/communes) — no map server, no inline script (the CSP forbids them). */
(function () {
  "use strict";

  var TIER_COLORS = { "0.01": "#7f0000", "0.02": "#d7301f", "0.05": "#fc8d59" };

  function polygons(rows, style) {
    return {
      type: "custom", coordinateSystem: "geo", geoIndex: 0, silent: style.silent,
      data: rows.map(function (r, k) { return [k]; }),
      renderItem: function (params, api) {
        var row = rows[api.value(0)];
        var points = row[0].map(function (p) { return api.coord(p); });
        return { type: "polygon", shape: { points: points }, style: style.of(row) };
      }
    };
  }

  function draw(el, data) {
    fetch("/api/map/communes", { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("map " + r.status); }
      return r.json();
    }).then(function (geo) {
      echarts.registerMap("risk-communes", geo);
      var old = echarts.getInstanceByDom(el);
      if (old) { old.dispose(); }
      var c = echarts.init(el, null, { renderer: "canvas", locale: "EN" });
      var first = data.cells.length ? [data.cells[0][5], data.cells[0][6]] : null;
      c.setOption({
        animation: false,
        geo: {
          map: "risk-communes", roam: true, nameProperty: "code", selectedMode: false,
          center: first || undefined, zoom: first ? 6 : 1.2, scaleLimit: { min: 0.8, max: 400 },
          itemStyle: { areaColor: "#f3f6fa", borderColor: "#555", borderWidth: 0.5 },
          emphasis: { disabled: true }, label: { show: false }
        },
        tooltip: { trigger: "item", formatter: function (p) {
          var row = p.seriesIndex === 1 ? data.cells[p.value[0]] : null;
          return row ? "#" + row[1] + " · " + row[6].toFixed(5) + ", " + row[5].toFixed(5) : "";
        } },
        series: [
          polygons(data.hot, { silent: true, of: function () {
            return { fill: "rgba(106, 61, 154, 0.08)", stroke: "#6a3d9a", lineWidth: 1 }; } }),
          polygons(data.cells, { silent: false, of: function (row) {
            return { fill: TIER_COLORS[String(row[2])] || "#fc8d59", stroke: "#400000", lineWidth: 0.3 }; } })
        ]
      });
      el.dataset.ready = "true";
    }).catch(function () { el.textContent = "—"; });
  }

  function start() {
    var source = document.getElementById("risk-data");
    var el = document.getElementById("risk-map");
    if (!source || !el || typeof echarts === "undefined") { return; }
    draw(el, JSON.parse(source.dataset.json));
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
