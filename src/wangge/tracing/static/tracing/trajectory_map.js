// The case's trajectory on a Leaflet map: numbered points joined in time order; tiles only when configured.
(function () {
  function draw() {
    var el = document.getElementById("trajectory-map");
    var data = document.getElementById("trajectory-map-data");
    if (!el || !data || !window.L) return;
    var d = JSON.parse(data.textContent);
    if (!d.points.length) { el.hidden = true; return; }
    var map = window.L.map(el, { attributionControl: false });
    if (d.tile_url) window.L.tileLayer(d.tile_url, { maxZoom: 19 }).addTo(map);
    var layers = [], line = [];
    d.points.forEach(function (p, i) {
      line.push([p.lat, p.lng]);
      // The place as a text element: Leaflet would parse a string as HTML, and places are typed in by staff.
      layers.push(window.L.circleMarker([p.lat, p.lng], { radius: 8, color: "#c62828", className: "trajectory-marker" })
        .bindTooltip(window.wangge.textElement((i + 1) + ". " + p.place + " " + p.start), { permanent: d.points.length <= 8 }));
    });
    if (line.length > 1) layers.push(window.L.polyline(line, { color: "#c62828", weight: 2, dashArray: "4 4" }));
    var group = window.L.featureGroup(layers).addTo(map);
    map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 16 });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
