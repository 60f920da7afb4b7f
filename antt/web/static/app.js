/* ANTT pages: draws the charts from data the server put in the page, and wires the few interactions
   htmx does not cover. No inline scripts (the CSP forbids them); nothing is fetched from the internet. */
(function () {
  "use strict";

  var COLORS = { current: "#1f4e8c", lastYear: "#9a9a9a", low: "#f3f6fa", high: "#8c1d18", neg: "#1f6f43" };
  var MAINLAND_CENTER = [106.66, 20.85];
  var communeMap = null; // a promise of the GeoJSON, fetched once per page load

  function chart(el) {
    var old = echarts.getInstanceByDom(el);
    if (old) { old.dispose(); }
    el.removeAttribute("_echarts_instance_");
    el.textContent = "";
    return echarts.init(el, null, { renderer: "canvas", locale: "EN" });
  }

  function numberFormat(value, digits) {
    if (value === null || value === undefined) { return "—"; }
    var locale = document.body.dataset.language === "en" ? "en-GB" : "vi-VN";
    return Number(value).toLocaleString(locale, { minimumFractionDigits: digits || 0, maximumFractionDigits: digits || 0 });
  }

  function drawSparklines(root) {
    root.querySelectorAll(".sparkline[data-series]").forEach(function (el) {
      var series = JSON.parse(el.dataset.series);
      // the figure the tile shows, at its precision (counts without decimals); a rank upside down (1 on top)
      var digits = el.dataset.digits === undefined ? 2 : Number(el.dataset.digits);
      var c = chart(el);
      c.setOption({
        animation: false,
        grid: { left: 2, right: 2, top: 4, bottom: 4 },
        xAxis: { type: "category", show: false, data: series.map(function (p) { return p[0]; }) },
        yAxis: { type: "value", show: false, scale: true, inverse: el.dataset.inverse === "true" },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return numberFormat(v, digits); } },
        series: [{ type: "line", data: series.map(function (p) { return p[1]; }), symbol: "none",
                   lineStyle: { width: 2, color: COLORS.current } }]
      });
    });
  }

  function loadCommuneMap() {
    if (!communeMap) {
      communeMap = fetch("/api/map/communes", { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("map " + r.status); }
        return r.json();
      }).then(function (geo) { echarts.registerMap("communes", geo); return geo; });
    }
    return communeMap;
  }

  function drillTo(unit) {
    var form = document.querySelector("#compstat form.filter-bar");
    if (!form) { return; }
    form.elements.unit.value = unit;
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function drawMap(el, data) {
    var values = data.map.map(function (d) {
      return { name: d.code, value: d[data.measure], label: d.name, count: d.count, approximate: d.approximate,
               suppressed: d.suppressed };
    });
    var finite = values.map(function (v) { return v.value; }).filter(function (v) { return v !== null; });
    var isZ = data.measure === "z";
    var bound = finite.length ? Math.max.apply(null, finite.map(Math.abs)) : 1;
    loadCommuneMap().then(function () {
      var c = chart(el);
      c.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: function (p) {
          var d = p.data || {};
          return (d.label || p.name) + "<br>" + data.labels[data.measure] + ": " +
            (d.suppressed ? data.labels.suppressed : d.value === undefined ? data.labels.no_data :
              numberFormat(d.value, data.measure === "count" ? 0 : 2)) +
            (d.approximate ? " ≈" : "");
        } },
        visualMap: {
          min: isZ ? -Math.max(bound, 2) : 0, max: isZ ? Math.max(bound, 2) : Math.max(bound, 1),
          calculable: true, left: 8, bottom: 8, itemHeight: 90,
          inRange: { color: isZ ? [COLORS.neg, "#f7f7f7", COLORS.high] : [COLORS.low, COLORS.high] },
          formatter: function (v) { return numberFormat(v, data.measure === "count" ? 0 : 1); }
        },
        series: [{
          type: "map", map: "communes", nameProperty: "code", roam: true, selectedMode: false,
          // open on the mainland and Cát Hải; the offshore districts are a drag away
          center: MAINLAND_CENTER, zoom: 2.1, scaleLimit: { min: 0.8, max: 40 },
          emphasis: { label: { show: false }, itemStyle: { areaColor: "#f2c14e" } },
          itemStyle: { borderColor: "#555", borderWidth: 0.5 },
          data: values
        }]
      });
      c.on("click", function (p) { if (p.name) { drillTo(p.name); } });
      el.dataset.ready = "true";
    }).catch(function () {
      el.textContent = data.labels.no_data;
    });
  }

  function drawSeries(el, data) {
    var s = data.series;
    var c = chart(el);
    c.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 32, bottom: 40 },
      legend: { top: 0 },
      // a null count is a small count of a sensitive category hidden from the user
      tooltip: { trigger: "axis", valueFormatter: function (v) {
        return v === null || v === undefined ? data.labels.suppressed : numberFormat(v); } },
      xAxis: { type: "category", data: s.labels },
      yAxis: { type: "value", minInterval: 1, axisLabel: { formatter: function (v) { return numberFormat(v); } } },
      series: [
        { name: data.labels.current, type: "line", data: s.current, color: COLORS.current, symbolSize: 4 },
        { name: data.labels.last_year, type: "line", data: s.last_year, color: COLORS.lastYear,
          lineStyle: { type: "dashed" }, symbolSize: 3 }
      ]
    });
    el.dataset.ready = "true";
  }

  function drawGrid(el, data) {
    var cells = [];
    var max = 0;
    data.grid.forEach(function (row, d) {
      row.forEach(function (n, h) { cells.push([h, d, n]); if (n > max) { max = n; } });
    });
    var c = chart(el);
    c.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 8, bottom: 56 },
      tooltip: { formatter: function (p) {
        var n = p.value[2];
        return data.weekdays[p.value[1]] + " " + p.value[0] + "h: " + (n === null ? data.labels.suppressed : numberFormat(n));
      } },
      xAxis: { type: "category", data: Array.from({ length: 24 }, function (_, h) { return String(h); }) },
      yAxis: { type: "category", data: data.weekdays, inverse: true },
      visualMap: { min: 0, max: Math.max(max, 1), orient: "horizontal", left: "center", bottom: 0, itemHeight: 120,
                   inRange: { color: [COLORS.low, COLORS.current] } },
      series: [{ type: "heatmap", data: cells }]
    });
    el.dataset.ready = "true";
  }

  function drawCompstat(root) {
    var source = root.querySelector("#compstat-data") || document.getElementById("compstat-data");
    if (!source) { return; }
    var data = JSON.parse(source.dataset.json);
    var map = document.getElementById("commune-map");
    if (map) { drawMap(map, data); }
    var series = document.getElementById("time-series");
    if (series && data.series) { drawSeries(series, data); }
    var grid = document.getElementById("weekday-hour");
    if (grid && data.grid) { drawGrid(grid, data); }
  }

  function drawTarget(root) {
    var source = root.querySelector("#target-data") || document.getElementById("target-data");
    var el = document.getElementById("target-history");
    if (!source || !el) { return; }
    var data = JSON.parse(source.dataset.json);
    var labels = data.history.map(function (p) { return p[0]; });
    var series = [{ name: data.labels.actual, type: "line", data: data.history.map(function (p) { return p[1]; }),
                    color: COLORS.current }];
    if (data.required !== null) {
      series.push({ name: data.labels.required, type: "line", data: labels.map(function () { return data.required; }),
                    color: COLORS.high, lineStyle: { type: "dashed" }, symbol: "none" });
    }
    if (data.expected !== null) {
      labels.push(data.labels.end);
      var pad = data.history.map(function () { return null; });
      series.push({ name: data.labels.expected, type: "scatter", data: pad.concat([data.expected]), color: "#b35c00",
                    symbolSize: 10 });
      if (data.interval) {
        series.push({ name: data.labels.interval, type: "line", data: pad.concat([data.interval[0]]), symbol: "none",
                      lineStyle: { opacity: 0 }, stack: "band" });
        series.push({ name: data.labels.interval, type: "bar", data: pad.concat([data.interval[1] - data.interval[0]]),
                      stack: "band", barWidth: 14, itemStyle: { color: "rgba(179,92,0,0.3)" } });
      }
    }
    var c = chart(el);
    c.setOption({ animation: false, grid: { left: 56, right: 16, top: 32, bottom: 40 }, legend: { top: 0 },
                  tooltip: { trigger: "axis" }, xAxis: { type: "category", data: labels },
                  yAxis: { type: "value", scale: true, axisLabel: { formatter: function (v) { return numberFormat(v, v % 1 ? 1 : 0); } } },
                  series: series });
    el.dataset.ready = "true";
  }

  function drawAll(root) {
    if (typeof echarts === "undefined") { return; }
    drawSparklines(root);
    drawCompstat(root);
    drawTarget(root);
  }

  // Empty filters stay out of the URL, so a shared link reads like the page it shows.
  document.addEventListener("htmx:configRequest", function (e) {
    var params = e.detail.parameters;
    var empty = [];
    (params.keys ? Array.from(params.keys()) : Object.keys(params)).forEach(function (k) {
      var v = params.get ? params.get(k) : params[k];
      if (v === "" || v === null) { empty.push(k); }
    });
    empty.forEach(function (k) { if (params.delete) { params.delete(k); } else { delete params[k]; } });
  });
  // htmx changes the address without reloading: the language switch returns to where the reader is now.
  document.addEventListener("submit", function (e) {
    if (!e.target.matches || !e.target.matches("form.language")) { return; }  // not the sign-in form's next
    var next = e.target.querySelector("input[name=next]");
    if (next) { next.value = window.location.pathname + window.location.search; }
  }, true);
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawAll(e.detail.elt || document); });
  document.addEventListener("htmx:historyRestore", function () { drawAll(document); });
  // The period select and the custom dates exclude one another: choosing one clears the other.
  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (!form || !form.classList.contains("filter-bar")) { return; }
    if (e.target.name === "period" && e.target.value) { form.elements.from.value = ""; form.elements.to.value = ""; }
    if (e.target.name === "from" || e.target.name === "to") {
      form.elements.period.value = "";
      // a window needs both ends: wait for the second date before asking the server
      if (!form.elements.from.value || !form.elements.to.value) { e.stopPropagation(); }
    }
  }, true);
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("[data-print]");
    if (link) { e.preventDefault(); window.print(); }
  });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[_echarts_instance_]").forEach(function (el) {
      var c = echarts.getInstanceByDom(el); if (c) { c.resize(); }
    });
  });
})();
