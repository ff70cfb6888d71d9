// The convoy's check-ins on a Leaflet map, joined in time order; tiles only when configured.
(function () {
  function draw() {
    var el = document.getElementById("convoy-map");
    var data = document.getElementById("convoy-map-data");
    if (!el || !data || !window.L) return;
    var d = JSON.parse(data.textContent);
    if (!d.points.length) { el.hidden = true; return; }
    var map = window.L.map(el, { attributionControl: false });
    if (d.tile_url) window.L.tileLayer(d.tile_url, { maxZoom: 19 }).addTo(map);
    var layers = [], line = [];
    d.points.forEach(function (p, i) {
      line.push([p.lat, p.lng]);
      var last = i === d.points.length - 1;
      // The place as a text element: Leaflet would parse a string as HTML, and places are typed by the crew.
      layers.push(window.L.circleMarker([p.lat, p.lng], { radius: last ? 10 : 6, color: last ? "#c62828" : "#1a3d7c",
        className: "convoy-marker" }).bindTooltip(window.wangge.textElement(p.at + " " + (p.place || "")),
        { permanent: last }));
    });
    if (line.length > 1) layers.push(window.L.polyline(line, { color: "#1a3d7c", weight: 3 }));
    var group = window.L.featureGroup(layers).addTo(map);
    map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 16 });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
