// The landing page's curve: people entering each of the four categories, day by day, last 14 days.
(function () {
  function draw() {
    var el = document.getElementById("today-chart");
    var data = document.getElementById("today-chart-data");
    if (!el || !data || !window.echarts) return;
    var d = JSON.parse(data.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", formatter: window.wangge.chartTooltip() },
      legend: { top: 0 },
      xAxis: { type: "category", data: d.dates },
      yAxis: { type: "value", minInterval: 1 },
      series: d.series.map(function (s) { return { name: s.name, type: "line", data: s.data }; }),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
