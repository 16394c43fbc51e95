// Draws the plan comparison of the estimator with the vendored ECharts, on load and after
// every htmx swap of the result. The same numbers are in the table next to the chart. ECharts
// (the largest asset by far) is fetched only once a result with a chart is on the page.
(function () {
  var loading = false;
  function draw() {
    var el = document.getElementById("plan-chart");
    var data = document.getElementById("plan-data");
    if (!el || !data) return;
    if (typeof echarts === "undefined") {
      if (!loading && el.dataset.echarts) {
        loading = true;
        var s = document.createElement("script");
        s.src = el.dataset.echarts;
        s.onload = draw;
        document.head.appendChild(s);
      }
      return;
    }
    var rows = JSON.parse(data.textContent || "[]");
    var lang = document.documentElement.lang;
    var pay = lang === "vi" ? "Đóng bình quân mỗi tháng" : "Average paid per month";
    var pen = lang === "vi" ? "Lương hưu mỗi tháng" : "Pension per month";
    var fmt = function (v) { return Number(v).toLocaleString("vi-VN") + "\u00a0₫"; };
    var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { data: [pay, pen] },
      grid: { left: 8, right: 8, bottom: 8, top: el.clientWidth < 480 ? 60 : 36, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.label; }) },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return (v / 1e6).toLocaleString("vi-VN") + " tr"; } } },
      series: [
        { name: pay, type: "bar", data: rows.map(function (r) { return Math.round(r.payable / (r.months || 1)); }), itemStyle: { color: "#d4a000" } },
        { name: pen, type: "bar", data: rows.map(function (r) { return r.pension; }), itemStyle: { color: "#0b5ea8" } }
      ]
    }, true);
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSwap", draw);
  // On a phone the result is under the form: bring it into view after "Tính" (not after each
  // change, which would pull the page away from the field being typed in).
  document.addEventListener("htmx:afterSwap", function (e) {
    var how = e.detail && e.detail.requestConfig && e.detail.requestConfig.triggeringEvent;
    if (how && how.type === "submit" && window.innerWidth < 832 && e.detail.target) {
      e.detail.target.scrollIntoView({ block: "start" });
    }
  });
  window.addEventListener("resize", function () {
    var el = document.getElementById("plan-chart");
    if (el && typeof echarts !== "undefined" && echarts.getInstanceByDom(el)) echarts.getInstanceByDom(el).resize();
  });
})();
