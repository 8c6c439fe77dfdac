// The activity's route on a Leaflet map (static/vendor/leaflet), from the points
// the page carries in a json_script element. Without JavaScript, Leaflet or tiles,
// the server-rendered SVG outline beside it stays the route.
(function () {
  "use strict";

  function outlineOf(el) {
    return el.parentNode.querySelector("[data-route-outline]");
  }

  function draw(el) {
    var source = document.getElementById(el.dataset.routeSource);
    var points = source ? JSON.parse(source.textContent) : [];
    if (points.length < 2) return;
    el.dataset.ready = "1";
    el.hidden = false;
    var map = window.L.map(el, { scrollWheelZoom: false });
    var tiles = window.L.tileLayer(el.dataset.tiles, {
      maxZoom: 19,
      attribution: el.dataset.attribution,
    });
    tiles.on("tileerror", function () {
      // No tiles reachable: the outline shows the route again.
      var outline = outlineOf(el);
      if (outline) outline.hidden = false;
    });
    tiles.addTo(map);
    var line = window.L.polyline(points, { color: "#0b63c5", weight: 3 }).addTo(map);
    map.fitBounds(line.getBounds(), { padding: [12, 12] });
    var outline = outlineOf(el);
    if (outline) outline.hidden = true;
  }

  function init(root) {
    if (!window.L || !root.querySelectorAll) return;
    root.querySelectorAll("[data-route-map]").forEach(function (el) {
      if (!el.dataset.ready) draw(el);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // The block arrives later when htmx swaps it in once the streams are ready.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
