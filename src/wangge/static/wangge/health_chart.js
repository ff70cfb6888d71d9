// Stacked bar of the four categories by child area, from the JSON the board embeds.
(function () {
  function draw() {
    var el = document.getElementById("health-chart");
    var data = document.getElementById("health-chart-data");
    if (!el || !data || !window.echarts) return;
    var d = JSON.parse(data.textContent);
    var chart = window.wangge.initChart(el);
    chart.setOption({
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", formatter: window.wangge.chartTooltip() },
      legend: { top: 0 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: d.names, inverse: true, axisLabel: { width: 96, overflow: "truncate" } },
      series: d.series.map(function (s) { return { name: s.name, type: "bar", stack: "all", data: s.data }; }),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
