// One cursor across every chart of the activity page: pointing at a distance on
// one chart marks the same distance on all of them. The charts are plain SVG
// rendered by the server; this only moves a line in each.
(function () {
  "use strict";

  var WIDTH = 600; // the charts' viewBox width (analytics/streams/display.py)

  function move(fraction) {
    document.querySelectorAll("svg[data-chart] line.cursor").forEach(function (line) {
      if (fraction === null) {
        line.setAttribute("visibility", "hidden");
        return;
      }
      var x = String(fraction * WIDTH);
      line.setAttribute("x1", x);
      line.setAttribute("x2", x);
      line.setAttribute("visibility", "visible");
    });
  }

  function attach(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("svg[data-chart]").forEach(function (svg) {
      if (svg.dataset.cursor) return;
      svg.dataset.cursor = "1";
      svg.addEventListener("pointermove", function (event) {
        var box = svg.getBoundingClientRect();
        move(Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1));
      });
      svg.addEventListener("pointerleave", function () { move(null); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { attach(document); });
  document.addEventListener("htmx:load", function (event) { attach(event.target); });
})();
