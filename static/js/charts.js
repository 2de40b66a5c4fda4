/*
 * Draws the report charts with the vendored Chart.js.
 *
 * Each chart is a <canvas data-chart='{"type": "bar", "horizontal": …, "stacked": …,
 * "labels": […], "datasets": [{"label": …, "data": […]}]}'> inside a hidden
 * [data-chart-box] wrapper. The server writes the figures (the same as the table
 * beneath each chart); this file only draws them, so no inline script is needed and
 * the page reads the same without JavaScript.
 */
(function () {
  "use strict";

  if (typeof window.Chart === "undefined") {
    return; // Chart.js did not load: the tables still carry every figure.
  }

  var PALETTE = ["#1f4e79", "#d9822b", "#b02a37", "#2e7d5b", "#6f42c1", "#5a6b7b"];
  var BAR_HEIGHT = 26; // px per label on horizontal charts
  var LINE_HEIGHT = 14; // px per line of a wrapped label
  var LEGEND_HEIGHT = 32;
  var NARROW = 420; // px: below this, long labels wrap sooner

  // Long labels ("Statelessness determination procedures") would squeeze the bars
  // on a phone: break them into lines of at most `width` characters.
  function wrap(label, width) {
    var words = String(label).split(" ");
    var lines = [];
    var line = "";
    words.forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines.length > 1 ? lines : lines[0];
  }

  function boxHeight(spec, labels) {
    var legend = spec.datasets.length > 1 ? LEGEND_HEIGHT : 0;
    if (spec.horizontal) {
      var perLabel = BAR_HEIGHT * Math.max(1, spec.datasets.length * 0.6);
      var bars = labels.reduce(function (sum, label) {
        var lines = Array.isArray(label) ? label.length : 1;
        return sum + Math.max(perLabel, lines * LINE_HEIGHT + 10);
      }, 0);
      return Math.max(120, Math.round(bars) + 48 + legend);
    }
    return 240 + legend;
  }

  function config(spec, labels) {
    var horizontal = Boolean(spec.horizontal);
    var stacked = Boolean(spec.stacked);
    var countAxis = { beginAtZero: true, stacked: stacked, ticks: { precision: 0 } };
    var labelAxis = {
      stacked: stacked,
      ticks: { autoSkip: false },
      grid: { display: false }
    };
    return {
      type: "bar",
      data: {
        labels: labels,
        datasets: spec.datasets.map(function (dataset, index) {
          var colour = PALETTE[index % PALETTE.length];
          return {
            label: dataset.label,
            data: dataset.data,
            backgroundColor: colour,
            borderColor: colour,
            maxBarThickness: 28
          };
        })
      },
      options: {
        // Axis and tooltip numbers in the page's language ("1 000" in Russian), as the tables.
        locale: document.documentElement.lang || undefined,
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: horizontal ? { x: countAxis, y: labelAxis } : { x: labelAxis, y: countAxis },
        plugins: {
          legend: { display: spec.datasets.length > 1, position: "bottom" },
          tooltip: { enabled: true }
        }
      }
    };
  }

  function draw(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (error) {
      return; // leave the chart hidden; the table is there
    }
    if (!spec || !Array.isArray(spec.labels) || !Array.isArray(spec.datasets)) {
      return;
    }
    var box = canvas.closest("[data-chart-box]") || canvas.parentElement;
    box.classList.remove("d-none");
    var width = box.clientWidth < NARROW ? 16 : 28;
    var labels = spec.labels.map(function (label) {
      return wrap(label, width);
    });
    box.style.height = boxHeight(spec, labels) + "px";
    new window.Chart(canvas, config(spec, labels));
  }

  function drawAll() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
