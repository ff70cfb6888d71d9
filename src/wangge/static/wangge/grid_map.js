// A grid's polygon and its buildings on a Leaflet map; tiles only when the deployment has a tile server.
(function () {
  function draw() {
    var el = document.getElementById("grid-map");
    var data = document.getElementById("grid-map-data");
    if (!el || !data || !window.L) return;
    var d = JSON.parse(data.textContent);
    var map = window.L.map(el, { attributionControl: false });
    if (d.tile_url) window.L.tileLayer(d.tile_url, { maxZoom: 19 }).addTo(map);
    var layers = [];
    if (d.polygon) layers.push(window.L.geoJSON(d.polygon, { style: { color: "#1a56db", weight: 2, fillOpacity: 0.08 } }));
    d.buildings.forEach(function (b) {
      // The name as a text element: Leaflet would parse a string as HTML, and names come from imports.
      layers.push(window.L.circleMarker([b.lat, b.lng], { radius: 6, color: "#c62828", className: "building-marker" })
        .bindTooltip(window.wangge.textElement(b.name)));
    });
    if (!layers.length) { el.hidden = true; return; }
    var group = window.L.featureGroup(layers).addTo(map);
    var bounds = group.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 18 });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
