// Line of the daily household coverage share: a day with a gap shows as a dip to its real value.
(function () {
  function draw() {
    var el = document.getElementById("coverage-chart");
    var data = document.getElementById("coverage-chart-data");
    if (!el || !data || !window.echarts) return;
    var d = JSON.parse(data.textContent);
    var chart = window.wangge.initChart(el);
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", formatter: window.wangge.chartTooltip(function (v) { return v + "%"; }) },
      xAxis: { type: "category", data: d.dates },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ name: el.getAttribute("aria-label") || "", type: "line", data: d.share, markLine: { data: [{ yAxis: 100 }], symbol: "none" } }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
