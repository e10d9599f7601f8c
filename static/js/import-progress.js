// Polls a background import's status and moves the progress bar; reloads the
// page once the job has finished so the server renders the summary.
(function () {
  "use strict";
  var root = document.getElementById("import-job");
  if (!root || root.dataset.running !== "1") return;
  var bar = document.getElementById("import-job-progress");
  var label = document.getElementById("import-job-percent");
  var status = document.getElementById("import-job-status");

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (bar) bar.value = data.percent;
        if (label) label.textContent = data.percent + "%";
        if (status) status.textContent = data.status_label;
        if (data.running) {
          window.setTimeout(poll, 500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
