// Draws the dashboard's two charts with the vendored Chart.js; the numbers
// themselves, with their links, are in the page's tables. Clicking a bar or
// a slice opens the task list behind it.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  function follow(urls) {
    return function (event, elements) {
      if (!elements.length) return;
      var element = elements[0];
      var list = Array.isArray(urls[0]) ? urls[element.datasetIndex] : urls;
      if (list[element.index]) window.location.href = list[element.index];
    };
  }

  var classes = document.getElementById("chart-classes");
  if (classes) {
    new Chart(classes, {
      type: "doughnut",
      data: {
        labels: data.classes.map(function (c) { return c.label; }),
        datasets: [{
          data: data.classes.map(function (c) { return c.value; }),
          backgroundColor: data.classes.map(function (c) { return c.colour; })
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        onClick: follow(data.classes.map(function (c) { return c.url; }))
      }
    });
  }

  var trend = document.getElementById("chart-trend");
  if (trend) {
    var t = data.trend;
    new Chart(trend, {
      type: "bar",
      data: {
        labels: t.labels,
        datasets: [
          { type: "bar", label: t.completed_label, data: t.completed, backgroundColor: "#15803d" },
          { type: "line", label: t.due_label, data: t.due, borderColor: "#b91c1c",
            backgroundColor: "#b91c1c", tension: 0.2 }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
        onClick: follow([t.completed_urls, t.due_urls])
      }
    });
  }
})();
