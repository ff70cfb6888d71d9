// The transmission chain (传播链) of a cluster: cases and their contacts as a force-laid graph.
// Names are drawn by ECharts as text; the tooltip is built from text nodes, never markup.
(function () {
  function draw() {
    var el = document.getElementById("chain-chart");
    var data = document.getElementById("chain-data");
    if (!el || !data || !window.echarts) return;
    var d = JSON.parse(data.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var sizes = [26, 18, 12];
    chart.setOption({
      tooltip: {
        formatter: function (p) {
          var box = window.wangge.textElement("", "div", "chart-tooltip");
          if (p.dataType === "edge") {
            box.appendChild(window.wangge.textElement(p.data.kind, "div", "chart-tooltip-title"));
          } else {
            box.appendChild(window.wangge.textElement(p.data.name, "div", "chart-tooltip-title"));
            box.appendChild(window.wangge.textElement(p.data.status, "div", "chart-tooltip-row"));
          }
          return box;
        },
      },
      legend: { top: 0, data: d.categories },
      series: [{
        type: "graph",
        layout: "force",
        roam: true,
        draggable: true,
        force: { repulsion: 120, edgeLength: 60 },
        edgeSymbol: ["none", "arrow"],
        edgeSymbolSize: 7,
        label: { show: true, position: "right", formatter: "{b}" },
        categories: d.categories.map(function (name) { return { name: name }; }),
        data: d.nodes.map(function (n) {
          return { id: n.id, name: n.name, status: n.status, category: n.category,
                   symbolSize: n.root ? sizes[0] + 8 : sizes[n.category] };
        }),
        links: d.links.map(function (l) { return { source: l.source, target: l.target, kind: l.kind }; }),
        lineStyle: { opacity: 0.7, curveness: 0.1 },
      }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
