// The area map: the registry's division and grid boundaries as the base layer (no tile server
// needed), each labelled with its name and coloured by the figure chosen above the map; a grid's
// buildings as markers coloured by the people living there.  Tiles only when a server is set.
// Every name is put in as text (textContent), never parsed as HTML: names come from imports.
(function () {
  // Five classes each, light to dark; coverage runs red (little) to green (all).
  var SCALES = {
    cases: ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"],
    coverage: ["#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850"],
    residents: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
  };
  var NO_DATA = "#d9d9d9";
  var BUILDING_COLOURS = { "case": "#c62828", monitored: "#f9a825", clear: "#2e7d32" };

  function breaks(figure, values) {
    if (figure === "coverage") return [20, 40, 60, 80];  // percent: fixed classes
    var max = Math.max.apply(null, values.concat([0]));
    if (max <= 0) return [];
    var step = Math.max(1, Math.ceil(max / 5));
    return [step, 2 * step, 3 * step, 4 * step];
  }

  function classOf(value, cuts) {
    var i = 0;
    while (i < cuts.length && value >= cuts[i]) i++;
    return i;
  }

  function colourOf(figure, value, cuts) {
    if (value == null) return NO_DATA;
    if (figure === "cases" && value === 0) return "#f7fcf5";  // nobody in the four categories
    return SCALES[figure][cuts.length ? classOf(value, cuts) : 0];
  }

  function legendRows(figure, cuts, words, hasData) {
    var unit = figure === "coverage" ? "%" : "";
    if (!hasData) return [[NO_DATA, words.no_campaign]];
    var rows = [];
    if (figure === "cases") rows.push(["#f7fcf5", "0"]);
    var lows = [figure === "cases" ? 1 : 0].concat(cuts);
    if (!cuts.length) return rows.length ? rows : [[SCALES[figure][0], "0"]];
    lows.forEach(function (low, i) {
      var high = i < cuts.length ? cuts[i] - 1 : null;
      var text = high == null ? "≥ " + low + unit : (low === high ? low + unit : low + "–" + high + unit);
      if (high == null || high >= low) rows.push([SCALES[figure][i], text]);
    });
    return rows;
  }

  function swatchRow(colour, text, round) {
    var row = window.wangge.textElement("", "span", "map-legend-row");
    var swatch = window.wangge.textElement("", "span", "map-legend-swatch" + (round ? " round" : ""));
    swatch.style.backgroundColor = colour;
    row.appendChild(swatch);
    row.appendChild(window.wangge.textElement(text, "span"));
    return row;
  }

  // A Leaflet map on `el` with the configured tiles, or the plain background of a map without a
  // tile server (the registry's boundaries are then the base).  Also used by the trajectory picker.
  window.wangge.baseMap = function (el, tileUrl) {
    var map = window.L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    if (tileUrl) window.L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
    else el.classList.add("map-no-tiles");
    return map;
  };

  function draw() {
    var el = document.getElementById("grid-map");
    var config = document.getElementById("grid-map-config");
    var select = document.getElementById("map-figure");
    var legend = document.getElementById("map-legend");
    if (!el || !config || !window.L) return;
    var cfg = JSON.parse(config.textContent);
    var words = cfg.words || {};
    var map = window.wangge.baseMap(el, cfg.tile_url);

    fetch(cfg.data_url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { render(map, el, data, select, legend, words); })
      .catch(function () { legend.replaceChildren(window.wangge.textElement(words.load_failed, "span")); });
  }

  function render(map, el, data, select, legend, words) {
    var areas = data.features.filter(function (f) { return f.properties.kind !== "building"; });
    var buildings = data.features.filter(function (f) { return f.properties.kind === "building"; });
    if (!areas.length && !buildings.length) { el.closest(".area-map").hidden = true; return; }

    var polygonLayer = window.L.geoJSON(areas, {
      style: { color: "#37474f", weight: 1.5, opacity: 0.9, fillOpacity: 0.75, fillColor: NO_DATA },
      onEachFeature: function (feature, layer) {
        layer.options.className = "map-area";
        var label = window.wangge.textElement("", "span");
        label.appendChild(window.wangge.textElement(feature.properties.name, "strong", "map-label-name"));
        label.appendChild(window.wangge.textElement("", "span", "map-label-figure"));
        feature.label = label;
        var at = feature.properties.label_at;
        var tip = window.L.tooltip({ permanent: true, direction: "center", className: "map-label", interactive: false });
        tip.setContent(label);
        if (at) tip.setLatLng(at);
        feature.tip = tip;
        layer.on("click", function () { if (feature.properties.url) window.location.assign(feature.properties.url); });
      }
    }).addTo(map);
    // Under a grid's buildings its own fill stays light, so the markers stand out.
    var fillOpacity = buildings.length ? 0.35 : 0.75;
    areas.forEach(function (f) { if (f.properties.label_at) f.tip.addTo(map); });

    var markers = buildings.map(function (f) {
      var c = f.geometry.coordinates;
      var colour = BUILDING_COLOURS[f.properties.status] || BUILDING_COLOURS.clear;
      return window.L.circleMarker([c[1], c[0]], {
        radius: 7, color: "#ffffff", weight: 2, fillColor: colour, fillOpacity: 1,
        className: "building-marker building-" + f.properties.status
      }).bindTooltip(window.wangge.textElement(f.properties.name), { direction: "top" })
        .on("click", function () { window.location.assign(f.properties.url); });
    });
    var markerLayer = window.L.featureGroup(markers).addTo(map);

    function recolour() {
      var figure = select ? select.value : "cases";
      var values = areas.map(function (f) { return f.properties.figures[figure]; })
        .filter(function (v) { return v != null; });
      var cuts = breaks(figure, values);
      polygonLayer.eachLayer(function (layer) {
        var value = layer.feature.properties.figures[figure];
        layer.setStyle({ fillColor: colourOf(figure, value, cuts), fillOpacity: fillOpacity });
        var text = value == null ? "—" : value + (figure === "coverage" ? "%" : "");
        layer.feature.label.querySelector(".map-label-figure").textContent = text;
      });
      el.dataset.figure = figure;
      var box = window.wangge.textElement("", "div", "map-legend-scale");
      box.appendChild(window.wangge.textElement(select ? select.options[select.selectedIndex].text : "", "strong"));
      legendRows(figure, cuts, words, values.length > 0).forEach(function (r) { box.appendChild(swatchRow(r[0], r[1])); });
      var parts = [box];
      if (buildings.length) {
        var b = window.wangge.textElement("", "div", "map-legend-scale");
        b.appendChild(window.wangge.textElement(words.buildings, "strong"));
        ["case", "monitored", "clear"].forEach(function (s) { b.appendChild(swatchRow(BUILDING_COLOURS[s], words[s], true)); });
        parts.push(b);
      }
      legend.replaceChildren.apply(legend, parts);
    }
    if (select) select.addEventListener("change", recolour);
    recolour();

    var bounds = polygonLayer.getBounds();
    if (markers.length) bounds = bounds.isValid() ? bounds.extend(markerLayer.getBounds()) : markerLayer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 18 });

    // Many small grids: a label that would overlap one already shown waits for a closer zoom.
    function declutter() {
      var shown = [];
      areas.forEach(function (f) {
        var tipEl = f.tip.getElement && f.tip.getElement();
        if (!tipEl) return;
        tipEl.classList.remove("map-label-hidden");
        var r = tipEl.getBoundingClientRect();
        var clash = shown.some(function (s) {
          return r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
        });
        if (clash) tipEl.classList.add("map-label-hidden");
        else shown.push(r);
      });
    }
    map.on("zoomend", declutter);
    declutter();
    el.dataset.ready = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
