// Bar chart of residents by child area, from the JSON the page embeds.
(function () {
  function draw() {
    var el = document.getElementById("area-chart");
    var data = document.getElementById("area-chart-data");
    if (!el || !data || !window.echarts) return;
    var d = JSON.parse(data.textContent);
    var chart = window.wangge.initChart(el);
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", formatter: window.wangge.chartTooltip() },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: d.names, inverse: true, axisLabel: { width: 96, overflow: "truncate" } },
      series: [{ name: el.getAttribute("aria-label") || "", type: "bar", data: d.residents }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
