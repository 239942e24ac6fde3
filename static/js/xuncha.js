// Small behaviours shared by every page. No inline scripts anywhere (CSP).
(function () {
  "use strict";
  // "Select all" checkbox of bulk-action tables.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches("[data-select-all]")) return;
    document.querySelectorAll(box.getAttribute("data-select-all")).forEach(function (b) { b.checked = box.checked; });
  });
  // Buttons that need a confirmation say so in data-confirm.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
