// Draws the indicator dashboard's trend chart and map with the vendored ECharts, from the JSON
// in #ind-data (the tables on the page show the same figures). The map's boundaries come from
// this server (/geo/…), bundled into the binary: no tile server, no request leaves the site.
// A click on a unit of the map opens its dashboard.
(function () {
  var charts = [];
  // No drawing animation for those who ask for less motion.
  var calm = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function t(vi, en) { return document.documentElement.lang === "vi" ? vi : en; }
  function pct(v) { return v == null ? "—" : v.toLocaleString(document.documentElement.lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 2 }) + " %"; }

  function trend(data) {
    var el = document.getElementById("trend-chart");
    if (!el) return;
    var names = { si: t("BHXH", "SI"), ui: t("BHTN", "UI"), hi: t("BHYT", "HI"), vsi: t("BHXH tự nguyện", "VSI") };
    var keys = ["si", "vsi", "ui", "hi"];
    var chart = echarts.init(el, null, { renderer: "svg" });
    charts.push(chart);
    chart.setOption({
      animation: !calm,
      tooltip: { trigger: "axis", valueFormatter: pct },
      legend: { data: keys.map(function (k) { return names[k]; }) },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "category", data: data.trend.map(function (p) { return p.month; }) },
      yAxis: { type: "value", axisLabel: { formatter: "{value} %" } },
      series: keys.map(function (k) {
        return { name: names[k], type: "line", connectNulls: false, symbolSize: 4,
                 emphasis: { focus: "series" }, lineStyle: { width: k === data.indicator ? 3 : 1.5 },
                 data: data.trend.map(function (p) { return p[k]; }) };
      })
    });
  }

  function map(data) {
    var el = document.getElementById("map");
    if (!el || !data.units.length) return;
    var url = data.level === "country" ? "/geo/provinces.json" : "/geo/communes/" + data.province + ".json";
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (geo) {
      if (!geo) { el.textContent = t("Không có bản đồ cho đơn vị này.", "No map for this unit."); return; }
      echarts.registerMap("units", geo);
      var byCode = {};
      data.units.forEach(function (u) { byCode[u.code] = u; });
      var rates = data.units.map(function (u) { return u.rate; }).filter(function (v) { return v != null; });
      var max = rates.length ? Math.max.apply(null, rates) : 100;
      var chart = echarts.init(el, null, { renderer: "svg" });
      charts.push(chart);
      chart.setOption({
        animation: !calm,
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var u = byCode[p.data && p.data.code];
            if (!u) return p.name + ": " + t("chưa có số liệu", "no data");
            return u.name + ": " + pct(u.rate) + (u.at_risk ? " — " + t("có nguy cơ không đạt", "at risk") : "");
          }
        },
        visualMap: { min: 0, max: Math.max(1, Math.ceil(max)), left: 8, bottom: 8, calculable: true,
                     text: [pct(Math.ceil(max)), "0 %"], inRange: { color: ["#deebf7", "#6baed6", "#08519c"] } },
        series: [{
          type: "map", map: "units", roam: true, nameProperty: "code", selectedMode: false,
          label: { show: false }, emphasis: { label: { show: false }, itemStyle: { areaColor: "#fdd49e" } },
          itemStyle: { borderColor: "#fff", borderWidth: 0.5, areaColor: "#eee" },
          data: geo.features.map(function (f) {
            var u = byCode[f.properties.code];
            return { name: f.properties.code, code: f.properties.code, value: u ? u.rate : null };
          })
        }]
      });
      chart.on("click", function (p) {
        var u = byCode[p.data && p.data.code];
        if (u) window.location.href = "/indicators/" + u.id + window.location.search.replace(/snapshot=\d+&?/, "");
      });
    });
  }

  function draw() {
    var node = document.getElementById("ind-data");
    if (!node || typeof echarts === "undefined") return;
    var data = JSON.parse(node.textContent || "{}");
    trend(data);
    map(data);
  }
  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
