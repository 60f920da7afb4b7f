/* ANTT pages: draws the charts from data the server put in the page, and wires the few interactions
   htmx does not cover. No inline scripts (the CSP forbids them); nothing is fetched from the internet. */
(function () {
  "use strict";

  var COLORS = { current: "#1f4e8c", lastYear: "#9a9a9a", low: "#f3f6fa", high: "#8c1d18", neg: "#1f6f43" };
  var MAINLAND_CENTER = [106.66, 20.85];
  var communeMap = null; // a promise of the GeoJSON, fetched once per page load

  // renderer: "canvas" (default) or "svg" (the map and the series: their labels are text a test can read,
  // and they scale when printed)
  function chart(el, renderer) {
    var old = echarts.getInstanceByDom(el);
    if (old) { old.dispose(); }
    el.removeAttribute("_echarts_instance_");
    el.textContent = "";
    return echarts.init(el, null, { renderer: renderer || "canvas", locale: "EN" });
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
      }).then(function (geo) {
        // a commune officer's map also carries the communes around theirs, drawn in outline only
        (geo.neighbours || []).forEach(function (f) { f.properties.outline = true; });
        geo = { type: "FeatureCollection", features: geo.features.concat(geo.neighbours || []) };
        echarts.registerMap("communes", geo); return geo;
      });
    }
    return communeMap;
  }

  function drillTo(unit) {
    var form = document.querySelector("#compstat form.filter-bar");
    if (!form) { return; }
    form.elements.unit.value = unit;
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // --- the commune map (issue 18): colour by commune with a titled scale, commune names (when zoomed in, and
  // always for the commune drilled into and its neighbours), zoom to that commune, and the incident points
  // gathered into clusters on screen; the layers are switched by the checkboxes beside the map -----------
  var LABEL_ZOOM = 5; // from this zoom on every commune is named
  var CLUSTER_PX = 44; // incidents closer than this on screen make one cluster

  function bbox(geometry) {
    var box = [Infinity, Infinity, -Infinity, -Infinity];
    (function walk(c) {
      if (typeof c[0] === "number") {
        box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
        box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
      } else { c.forEach(walk); }
    })(geometry.coordinates);
    return box;
  }

  // shared with the pages' own scripts (networks.js, drugs.js), which load after this one
  window.ANTT = { bbox: bbox, loadCommuneMap: loadCommuneMap };

  function overlaps(a, b) { return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]; }

  function layersOf(el) {
    var chosen = { choropleth: true, points: true };
    var box = el.closest(".map-widget");
    if (box) {
      box.querySelectorAll("input[name=map-layer]").forEach(function (input) {
        chosen[input.value] = input.checked;
      });
    }
    return chosen;
  }

  function clusters(c, cells) {
    var buckets = {};
    cells.forEach(function (cell) {
      var px = c.convertToPixel({ geoIndex: 0 }, [cell[1], cell[0]]);
      if (!px || !isFinite(px[0])) { return; }
      var key = Math.floor(px[0] / CLUSTER_PX) + ":" + Math.floor(px[1] / CLUSTER_PX);
      var b = buckets[key] || (buckets[key] = { n: 0, lat: 0, lon: 0 });
      b.n += cell[2]; b.lat += cell[0] * cell[2]; b.lon += cell[1] * cell[2];
    });
    return Object.keys(buckets).map(function (k) {
      var b = buckets[k];
      return { value: [b.lon / b.n, b.lat / b.n, b.n] };
    });
  }

  // --- the risk layer (issue 12): the forecast's top cells, as on the Risk page (its colours), asked for
  // once per commune and group while the page is open -----------------------------------------------------
  var RISK_TIERS = { "0.01": "#7f0000", "0.02": "#d7301f", "0.05": "#fc8d59" };
  var riskCache = {}; // the query (unit, group) → a promise of /api/risk/cells

  function riskCells(data) {
    var params = new URLSearchParams();
    if (data.unit) { params.set("unit", data.unit); }
    if (data.group && data.group !== "all") { params.set("group", data.group); }
    var key = params.toString();
    if (!riskCache[key]) {
      riskCache[key] = fetch("/api/risk/cells" + (key ? "?" + key : ""), { credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) { throw new Error("risk " + r.status); }
          return r.json();
        });
      riskCache[key].catch(function () { delete riskCache[key]; }); // asked again the next time
    }
    return riskCache[key];
  }

  function riskSeries(cells, name) {
    return {
      id: "risk", name: name, type: "custom", coordinateSystem: "geo", geoIndex: 0, z: 3,
      data: cells.map(function (cell, k) { return [k]; }),
      renderItem: function (params, api) {
        var cell = cells[api.value(0)];
        return { type: "polygon", shape: { points: cell[0].map(function (p) { return api.coord(p); }) },
                 style: { fill: RISK_TIERS[String(cell[2])] || RISK_TIERS["0.05"], stroke: "#400000",
                          lineWidth: 0.3, opacity: 0.85 } };
      }
    };
  }

  // a chart can take a layer only while it is drawn with a size (a geo map of no size has no scale)
  function drawable(c, el) { return !c.isDisposed() && el.clientWidth > 0 && el.clientHeight > 0; }

  function drawMap(el, data) {
    var values = data.map.map(function (d) {
      return { name: d.code, value: d[data.measure], title: d.name, count: d.count, approximate: d.approximate,
               suppressed: d.suppressed };
    });
    var finite = values.map(function (v) { return v.value; }).filter(function (v) { return v !== null; });
    var isZ = data.measure === "z";
    var bound = finite.length ? Math.max.apply(null, finite.map(Math.abs)) : 1;
    var layers = layersOf(el);
    var cells = (data.points && data.points.cells) || [];
    var riskLabels = data.risk_labels || {};
    var risk = []; // the risk layer's cells, once they have come
    loadCommuneMap().then(function (geo) {
      var names = {}, boxes = {}, outline = {}, all = [Infinity, Infinity, -Infinity, -Infinity];
      geo.features.forEach(function (f) {
        var code = f.properties.code;
        names[code] = f.properties.short_name || f.properties.name;
        if (f.properties.outline) { outline[code] = true; }
        boxes[code] = bbox(f.geometry);
        all = [Math.min(all[0], boxes[code][0]), Math.min(all[1], boxes[code][1]),
               Math.max(all[2], boxes[code][2]), Math.max(all[3], boxes[code][3])];
      });
      var wanted = data.unit || data.focus; // the commune drilled into, or a one-commune scope's own
      var focus = wanted && boxes[wanted] ? wanted : null;
      var center = MAINLAND_CENTER, zoom = 2.1, near = {};
      if (focus) {
        var b = boxes[focus];
        center = [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
        // the commune fills about half the map, its neighbours around it
        zoom = Math.min(40, Math.max(2.1, 0.45 * Math.min((all[2] - all[0]) / Math.max(b[2] - b[0], 1e-3),
                                                          (all[3] - all[1]) / Math.max(b[3] - b[1], 1e-3))));
        Object.keys(boxes).forEach(function (code) { if (overlaps(boxes[code], b)) { near[code] = true; } });
      }
      // the names are a layer of their own, at the middle of each commune's box: every commune from
      // LABEL_ZOOM on, the commune drilled into and its neighbours at any zoom
      function nameData(z) {
        return Object.keys(names).filter(function (code) { return near[code] || z >= LABEL_ZOOM; }).map(function (code) {
          var box = boxes[code];
          return { name: code, value: [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2],
                   label: code === focus ? { fontWeight: "bold", fontSize: 12 } : undefined };
        });
      }
      var regions = focus ? [{ name: focus, itemStyle: { borderColor: "#111", borderWidth: 2.5 } }] : [];
      var c = chart(el, "svg");
      var option = {
        animation: false,
        title: { text: data.labels[data.measure], left: 8, bottom: 150,
                 textStyle: { fontSize: 12, fontWeight: 600, color: "#1c1f24" } },
        tooltip: { trigger: "item", formatter: function (p) {
          if (p.seriesType === "scatter") {
            return echarts.format.encodeHTML(data.labels.points + ": " + numberFormat(p.value[2]));
          }
          if (p.seriesId === "risk") {
            var cell = risk[p.value[0]];
            return cell ? [riskLabels.risk + " #" + numberFormat(cell[1]), names[cell[4]] || cell[4],
                           riskLabels.share + ": " + numberFormat(cell[2] * 100) + "%"]
              .map(function (t) { return echarts.format.encodeHTML(t); }).join("<br>") : "";
          }
          var d = p.data || {};
          return echarts.format.encodeHTML(d.title || names[p.name] || p.name) + "<br>" +
            data.labels[data.measure] + ": " +
            (d.suppressed ? data.labels.suppressed : d.value === undefined ? data.labels.no_data :
              numberFormat(d.value, data.measure === "count" ? 0 : 2)) +
            (d.approximate ? " ≈" : "");
        } },
        geo: {
          map: "communes", nameProperty: "code", roam: true, selectedMode: false,
          // open on the mainland and Cát Hải (the offshore districts are a drag away), or on the commune
          center: center, zoom: zoom, scaleLimit: { min: 0.8, max: 60 },
          emphasis: { label: { show: true }, itemStyle: { areaColor: "#f2c14e" } },
          itemStyle: { borderColor: "#555", borderWidth: 0.5, areaColor: "#eef0f3" },
          regions: regions
        },
        series: [
          { type: "map", geoIndex: 0, data: layers.choropleth ? values : [] },
          { id: "points", name: data.labels.points, type: "scatter", coordinateSystem: "geo", data: [],
            silent: true, z: 5, // clicks go through to the commune under the cluster
            symbolSize: function (v) { return v ? Math.min(40, 8 + 5 * Math.log2(v[2])) : 0; },
            itemStyle: { color: "rgba(20,54,95,0.78)", borderColor: "#fff", borderWidth: 1 },
            label: { show: true, formatter: function (p) { return p.value && p.value[2] > 1 ? numberFormat(p.value[2]) : ""; },
                     color: "#fff", fontSize: 10 } },
          { id: "names", type: "scatter", coordinateSystem: "geo", data: nameData(zoom), silent: true, z: 4,
            symbolSize: 0, label: { show: true, fontSize: 10, color: "#1c1f24", textBorderColor: "#fff",
                                    textBorderWidth: 2, formatter: function (p) { return names[p.name] || ""; } } }
        ]
      };
      if (layers.choropleth) {
        option.visualMap = {
          seriesIndex: 0,
          min: isZ ? -Math.max(bound, 2) : 0, max: isZ ? Math.max(bound, 2) : Math.max(bound, 1),
          calculable: true, left: 8, bottom: 8, itemHeight: 90,
          inRange: { color: isZ ? [COLORS.neg, "#f7f7f7", COLORS.high] : [COLORS.low, COLORS.high] },
          formatter: function (v) { return numberFormat(v, data.measure === "count" ? 0 : 1); }
        };
      } else {
        option.title.show = false;
      }
      c.setOption(option);
      var pending = false;
      function redraw() {
        pending = false;
        var z = c.getOption().geo[0].zoom;
        c.setOption({ series: [{}, { id: "points", data: layers.points ? clusters(c, cells) : [] },
                               { id: "names", data: nameData(z) }] });
      }
      redraw();
      c.on("georoam", function () {
        if (!pending) { pending = true; window.requestAnimationFrame(redraw); }
      });
      c.on("click", function (p) { if (p.name && boxes[p.name] && !outline[p.name]) { drillTo(p.name); } });
      el.dataset.ready = "true";
      el.dataset.points = String(cells.length ? c.getOption().series[1].data.length : 0);
      if (layers.risk) {
        el.dataset.risk = "loading";
        riskCells(data).then(function (answer) {
          // switched off, filtered again or hidden meanwhile: this chart is gone or cannot take it
          if (!drawable(c, el)) { return; }
          risk = answer.cells;
          c.setOption({ series: [riskSeries(risk, riskLabels.risk)] }); // added after the others, z below the points
          el.dataset.risk = String(risk.length);
        }).catch(function () { el.dataset.risk = "failed"; });
      }
    }).catch(function () {
      el.textContent = data.labels.no_data;
    });
  }

  // a layer switched on or off redraws the map with the same data
  document.addEventListener("change", function (e) {
    if (!e.target.matches || !e.target.matches("input[name=map-layer]")) { return; }
    var el = document.getElementById("commune-map");
    var source = document.getElementById("compstat-data");
    if (el && source && typeof echarts !== "undefined") { drawMap(el, JSON.parse(source.dataset.json)); }
  });

  // --- the time series (issue 18): dd/MM axis, partial periods dotted with hollow points, the comparison
  // named as chosen ------------------------------------------------------------------------------------------
  var PARTIAL = 1, NOT_YET = 2;

  function drawSeries(el, data) {
    var s = data.series;
    var partial = s.partial || s.labels.map(function () { return 0; });
    var ranges = s.ranges || s.labels;
    var compareName = s.compare === "previous-period" ? data.labels.previous : data.labels.last_year;
    // whole bins drawn solid; a partial bin, and the step that leads to it, dotted with a hollow point
    var whole = s.current.map(function (v, i) { return partial[i] ? null : v; });
    var part = s.current.map(function (v, i) {
      var near = partial[i] || (i > 0 && partial[i - 1]) || (i + 1 < partial.length && partial[i + 1]);
      return near && partial[i] !== NOT_YET ? v : null;
    });
    var series = [
      { name: data.labels.current, type: "line", data: whole, color: COLORS.current, symbolSize: 4 },
      { name: compareName, type: "line", data: s.last_year, color: COLORS.lastYear,
        lineStyle: { type: "dashed" }, symbolSize: 3 }
    ];
    if (partial.some(function (p) { return p === PARTIAL; })) {
      series.push({ name: data.labels.partial_short, type: "line", data: part, color: COLORS.current,
                    lineStyle: { type: "dotted", width: 2 }, symbol: "emptyCircle", symbolSize: 7, z: 3 });
    }
    var c = chart(el, "svg");
    c.setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll", data: series.map(function (x) { return x.name; }) },
      tooltip: { trigger: "axis", formatter: function (items) {
        items = [].concat(items || []);
        var i = items.length ? items[0].dataIndex : 0;
        var value = function (v) {
          return v === null || v === undefined ? data.labels.suppressed : numberFormat(v);
        };
        var lines = [ranges[i] + (partial[i] === PARTIAL ? " (" + data.labels.partial_short + ")" : "")];
        lines.push(data.labels.current + ": " + (partial[i] === NOT_YET ? data.labels.not_yet :
          (s.withheld ? data.labels.suppressed : value(s.current[i]))));
        var other = s.compare_ranges ? s.compare_ranges[i] : null;
        lines.push(compareName + (other ? " (" + other + ")" : "") + ": " +
          (s.compare_ranges && other === null ? "—" : value(s.last_year[i])));
        return lines.map(function (t) { return echarts.format.encodeHTML(t); }).join("<br>");
      } },
      xAxis: { type: "category", data: s.labels },
      yAxis: { type: "value", minInterval: 1, axisLabel: { formatter: function (v) { return numberFormat(v); } } },
      series: series
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
    // the legend scrolls on one line above the plot, never over it (phones)
    c.setOption({ animation: false, grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
                  legend: { top: 0, type: "scroll" },
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
  // Printing (issue 18): the charts are redrawn at the paper's width (A4 portrait, ~680 px) so none is cut,
  // and back at the screen's afterwards. A chart whose box has no size (hidden, folded away) is left as it
  // is: a map resized to nothing has no scale, and ECharts throws on it.
  var PRINT_WIDTH = 680;
  function eachShownChart(resize) {
    document.querySelectorAll("[_echarts_instance_]").forEach(function (el) {
      var c = echarts.getInstanceByDom(el);
      if (c && !c.isDisposed() && el.clientWidth > 0 && el.clientHeight > 0) { resize(c, el); }
    });
  }
  window.addEventListener("beforeprint", function () {
    eachShownChart(function (c, el) { if (el.clientWidth > PRINT_WIDTH) { c.resize({ width: PRINT_WIDTH }); } });
  });
  window.addEventListener("afterprint", function () {
    eachShownChart(function (c) { c.resize({ width: "auto" }); });
  });
  window.addEventListener("resize", function () {
    eachShownChart(function (c) { c.resize(); });
  });
})();

/* Long downloads (issue 18): a form or link marked data-long-download (the report files: 11–12 s) shows a
   busy state — its data-busy-text, "Đang tạo báo cáo…" — while the file is made, and is restored when the
   file arrives. The request is sent with fetch and the file handed to the browser as a blob (an object URL:
   no network, no inline script). An answer that is no file (an error page) is asked for again the ordinary
   way, so the user sees the page the server says. */
(function () {
  "use strict";

  function fileName(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename="?([^";]+)"?/.exec(header);
    return match ? match[1] : "antt-download";
  }

  function setBusy(el, busy) {
    var note = el.querySelector(".busy-note") || el.nextElementSibling;
    if (!note || !note.classList || !note.classList.contains("busy-note")) {
      note = document.createElement("span");
      note.className = "busy-note";
      note.setAttribute("role", "status");
      note.setAttribute("aria-live", "polite");
      if (el.tagName === "FORM") { el.appendChild(note); } else { el.insertAdjacentElement("afterend", note); }
    }
    note.textContent = busy ? (el.dataset.busyText || (document.documentElement.lang === "en" ?
      "Preparing the report…" : "Đang tạo báo cáo…")) : "";
    note.hidden = !busy;
    el.setAttribute("aria-busy", busy ? "true" : "false");
    el.classList.toggle("busy", busy);
    var controls = el.tagName === "FORM" ? el.querySelectorAll("button, input[type=submit]") : [];
    controls.forEach(function (c) { c.disabled = busy; });
  }

  function save(response) {
    return response.blob().then(function (blob) {
      var url = URL.createObjectURL(blob);
      var a = document.createElement("a");
      a.href = url;
      a.download = fileName(response);
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    });
  }

  function isFile(response) {
    return response.ok && /attachment/i.test(response.headers.get("Content-Disposition") || "");
  }

  function download(el, request, fallback) {
    if (el.getAttribute("aria-busy") === "true") { return; }
    setBusy(el, true);
    fetch(request.url, request.init).then(function (response) {
      if (!isFile(response)) { throw new Error("not a file: " + response.status); }
      return save(response);
    }).then(function () {
      setBusy(el, false);
    }, function () {
      setBusy(el, false);
      fallback();
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-long-download]") || form.dataset.plain === "true") { return; }
    if (!window.fetch || !window.URL || !URL.createObjectURL) { return; }
    e.preventDefault();
    var submitter = e.submitter || null;
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    download(form, { url: form.action, init: { method: (form.method || "post").toUpperCase(), body: data,
      credentials: "same-origin" } }, function () {
      form.dataset.plain = "true";
      if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      form.dataset.plain = "false";
    });
  });

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[data-long-download]");
    if (!link || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    if (!window.fetch || !window.URL || !URL.createObjectURL) { return; }
    e.preventDefault();
    download(link, { url: link.href, init: { credentials: "same-origin" } }, function () {
      window.location.href = link.href;
    });
  });
})();
