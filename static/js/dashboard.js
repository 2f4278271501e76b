// The dashboard's tooltips (each indicator's definition) and its four charts, drawn from the
// data the page embeds (#chart-data: the `series` of the summary, as the API gives it).
(function () {
  "use strict";

  document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (element) {
    new bootstrap.Tooltip(element);
  });

  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const series = JSON.parse(source.textContent);
  const labels = document.getElementById("chart-labels").dataset;
  const blue = "#0d6efd";
  const orange = "#fd7e14";
  const palette = [blue, "#20c997", orange, "#6f42c1", "#dc3545", "#ffc107", "#0dcaf0",
    "#198754", "#6c757d", "#d63384"];
  const percent = function (value) { return value === null ? null : Math.round(value * 1000) / 10; };
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  // A chart with nothing to show is left out (its table says so).
  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    if (config.data.labels.length === 0) {
      canvas.parentElement.hidden = true;
      return;
    }
    new Chart(canvas, config);
  }

  draw("chart-trend", {
    data: {
      labels: series.trend.map(function (point) { return point.month; }),
      datasets: [
        { type: "bar", label: labels.batches, data: series.trend.map(function (p) { return p.batches; }),
          backgroundColor: blue, yAxisID: "y" },
        { type: "line", label: labels.persons, data: series.trend.map(function (p) { return p.persons; }),
          borderColor: orange, backgroundColor: orange, yAxisID: "y1", tension: 0.2 },
      ],
    },
    options: {
      scales: {
        y: { beginAtZero: true, position: "left" },
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } },
      },
    },
  });

  draw("chart-channels", {
    type: "doughnut",
    data: {
      labels: series.channels.map(function (point) { return point.label; }),
      datasets: [{ data: series.channels.map(function (p) { return p.batches; }), backgroundColor: palette }],
    },
    options: { plugins: { legend: { position: "right" } } },
  });

  draw("chart-categories", {
    type: "bar",
    data: {
      labels: series.categories.map(function (point) { return point.name; }),
      datasets: [{ label: labels.batches, data: series.categories.map(function (p) { return p.batches; }),
        backgroundColor: blue, maxBarThickness: 18 }],
    },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
  });

  draw("chart-ranking", {
    type: "bar",
    data: {
      labels: series.ranking.map(function (point) { return point.name; }),
      datasets: [
        { label: labels.onTime, data: series.ranking.map(function (p) { return percent(p.on_time_rate); }),
          backgroundColor: blue, maxBarThickness: 14 },
        { label: labels.satisfaction,
          data: series.ranking.map(function (p) { return percent(p.satisfaction_rate); }),
          backgroundColor: "#20c997", maxBarThickness: 14 },
      ],
    },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, max: 100 } } },
  });
})();
