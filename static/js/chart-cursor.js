// One cursor across every chart of the activity page: pointing at a distance on
// one chart marks the same distance on all of them, and each chart's caption
// reads its value there ("152 bpm · 5.21 km"). The charts are plain SVG rendered
// by the server; the readout's text is the server's too (the json_script
// "chart-readout" of analytics/streams/display.py: x positions in the charts'
// viewBox, where each point is, each chart's value there, in the athlete's
// units), so this script only finds the nearest point and shows what it says.
(function () {
  "use strict";

  var WIDTH = 600; // the charts' viewBox width (analytics/streams/display.py)
  var parsed = { source: null, data: null };

  function readout() {
    var source = document.getElementById("chart-readout");
    if (source !== parsed.source) {
      // The htmx poll swaps the block in: read the data of the one on the page.
      parsed.source = source;
      parsed.data = null;
      if (source) {
        try { parsed.data = JSON.parse(source.textContent); } catch (e) { parsed.data = null; }
      }
    }
    return parsed.data;
  }

  function nearest(xs, x) {
    // The x positions grow along the activity: a binary search, then the closer side.
    var lo = 0, hi = xs.length - 1;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (xs[mid] < x) lo = mid + 1; else hi = mid;
    }
    if (lo > 0 && x - xs[lo - 1] < xs[lo] - x) lo -= 1;
    return lo;
  }

  function show(x, index, data) {
    document.querySelectorAll("svg[data-chart]").forEach(function (svg) {
      var line = svg.querySelector("line.cursor");
      var output = svg.parentNode.querySelector("output[data-readout]");
      if (x === null) {
        if (line) line.setAttribute("visibility", "hidden");
        if (output) output.hidden = true;
        return;
      }
      if (line) {
        line.setAttribute("x1", String(x));
        line.setAttribute("x2", String(x));
        line.setAttribute("visibility", "visible");
      }
      if (output && data && index !== null) {
        var values = data.series[svg.dataset.chart] || [];
        var value = values[index];
        output.textContent = (value === null || value === undefined ? "–" : value) +
          " · " + data.at[index];
        output.hidden = false;
      }
    });
  }

  function move(fraction) {
    if (fraction === null) {
      show(null, null, null);
      return;
    }
    var x = fraction * WIDTH;
    var data = readout();
    if (!data || !data.x || !data.x.length) {
      show(x, null, null); // no readout data: the line alone, as before
      return;
    }
    var index = nearest(data.x, x);
    show(data.x[index], index, data); // the line snaps to the point it reads
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
