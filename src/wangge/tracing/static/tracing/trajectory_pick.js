// Picking a trajectory point (templates/tracing/investigation_detail.html): a tap on the map sets
// the point, its marker can be dragged, and a registered building picked from the search (or tapped
// on the map) sets the place, its address and its point.  The coordinates go in the form's hidden
// lat/lng fields; nobody types them.  Names go on screen as text only (window.wangge.textElement,
// .value, .textContent): places and buildings are typed in by people.
(function () {
  var PRECISION = 6;  // about 0.1 m

  function init() {
    var form = document.querySelector("[data-trajectory-picker]");
    var config = document.getElementById("trajectory-pick-config");
    if (!form || !config || !window.L) return;
    var cfg = JSON.parse(config.textContent);
    var words = cfg.words || {};
    var el = form.querySelector("#trajectory-pick-map");
    var lat = form.querySelector("input[name=lat]");
    var lng = form.querySelector("input[name=lng]");
    var place = form.querySelector("input[name=place]");
    var address = form.querySelector("input[name=address]");
    var status = form.querySelector("#pick-status");
    var clear = form.querySelector("[data-pick-clear]");
    var map = null, marker = null;

    function current() {
      var a = parseFloat(lat.value), b = parseFloat(lng.value);
      return isFinite(a) && isFinite(b) ? window.L.latLng(a, b) : null;
    }

    function say() {
      var at = current();
      status.textContent = at
        ? words.picked.replace("%(lat)s", at.lat.toFixed(PRECISION)).replace("%(lng)s", at.lng.toFixed(PRECISION))
        : words.none;
      status.dataset.picked = at ? "1" : "";
      clear.hidden = !at;
    }

    function putMarker(at) {
      if (!map) return;
      if (!at) {
        if (marker) { marker.remove(); marker = null; }
        return;
      }
      if (!marker) {
        marker = window.L.marker(at, {
          draggable: true, autoPan: true, keyboard: true, title: words.marker,
          icon: window.L.divIcon({ className: "pick-marker", iconSize: [32, 32], iconAnchor: [16, 16] })
        }).addTo(map);
        marker.on("dragend", function () { setPoint(marker.getLatLng(), false); });
      } else {
        marker.setLatLng(at);
      }
    }

    function setPoint(at, centre) {
      if (at) {
        at = window.L.latLng(at).wrap();
        lat.value = at.lat.toFixed(PRECISION);
        lng.value = at.lng.toFixed(PRECISION);
      } else {
        lat.value = "";
        lng.value = "";
      }
      putMarker(current());
      if (at && centre && map) map.setView(at, Math.max(map.getZoom() || 0, 17));
      say();
    }

    // A building from the search results or the map: its name and address fill the form's fields.
    function pickBuilding(name, addr, at) {
      if (name) place.value = name;
      if (address && addr !== undefined) address.value = addr || "";
      if (at) setPoint(at, true);
      else say();
      place.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function drawMap() {
      if (map) return;
      map = window.wangge.baseMap(el, cfg.tile_url);
      map.on("click", function (event) { setPoint(event.latlng, false); });
      var context = [];
      (cfg.points || []).forEach(function (p, i) {
        context.push(window.L.circleMarker([p.lat, p.lng], { radius: 6, color: "#c62828", weight: 2, fillOpacity: 0.4,
          interactive: false }).bindTooltip(window.wangge.textElement((i + 1) + ". " + p.place)));
      });
      var start = current();
      if (start) map.setView(start, 17);
      else if (cfg.center) map.setView(cfg.center, 15);
      else map.setView([35, 105], 4);  // China, until a place is picked
      putMarker(start);
      if (context.length) window.L.featureGroup(context).addTo(map);
      if (!cfg.areas_url) { el.dataset.ready = "1"; return; }
      fetch(cfg.areas_url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) { drawRegistry(data, start); })
        .catch(function () {})
        .then(function () { el.dataset.ready = "1"; });
    }

    // The case's grid from the registry: its boundary (taps go through it to the map) and its
    // buildings, each a tap target that picks the building.
    function drawRegistry(data, start) {
      var areas = data.features.filter(function (f) { return f.properties.kind !== "building"; });
      var buildings = data.features.filter(function (f) { return f.properties.kind === "building"; });
      var layers = [];
      if (areas.length) {
        layers.push(window.L.geoJSON(areas, {
          interactive: false,
          style: { color: "#37474f", weight: 1.5, opacity: 0.9, fillOpacity: 0.08, fillColor: "#90a4ae" }
        }).addTo(map));
      }
      buildings.forEach(function (f) {
        var c = f.geometry.coordinates;
        var name = f.properties.name;
        layers.push(window.L.circleMarker([c[1], c[0]], {
          radius: 9, color: "#ffffff", weight: 2, fillColor: "#1565c0", fillOpacity: 0.9, className: "pick-building"
        }).bindTooltip(window.wangge.textElement(name), { direction: "top" })
          .on("click", function (event) {
            window.L.DomEvent.stopPropagation(event);
            pickBuilding(name, undefined, window.L.latLng(c[1], c[0]));
          }).addTo(map));
      });
      if (!start && layers.length) {
        var bounds = window.L.featureGroup(layers).getBounds();
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 18 });
      }
    }

    // The results of the building search (htmx fragment): a button per building.
    form.addEventListener("click", function (event) {
      var button = event.target instanceof Element ? event.target.closest("[data-pick-place]") : null;
      if (!button) return;
      event.preventDefault();
      var a = parseFloat(button.dataset.lat), b = parseFloat(button.dataset.lng);
      pickBuilding(button.dataset.place, button.dataset.address, isFinite(a) && isFinite(b) ? [a, b] : null);
      var results = form.querySelector("#place-results");
      if (results) results.replaceChildren(window.wangge.textElement(words.picked_building.replace("%(place)s",
        button.dataset.place), "p", "place-picked"));
    });

    // Enter in the building search searches; it never submits the trajectory form.
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target instanceof Element && event.target.matches("[data-place-search]")) {
        event.preventDefault();
      }
    });

    clear.addEventListener("click", function () { setPoint(null, false); });

    // The form sits in a closed <details>: Leaflet needs a visible box, so draw on opening.
    var details = form.closest("details");
    if (details && !details.open) {
      details.addEventListener("toggle", function () {
        if (!details.open) return;
        drawMap();
        map.invalidateSize();
      });
    } else {
      drawMap();
    }
    say();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
