// After a save that found problems, move focus to the list of them, so that a screen reader
// reads it at once and the keyboard starts there; each link in it then moves focus to its field.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    var field = target && target.querySelector("input:not([type=hidden]), select, textarea");
    if (field) {
      event.preventDefault();
      var folded = field.closest("[hidden]");
      if (folded && folded.id) {
        var toggle = document.querySelector("[aria-controls='" + folded.id + "']");
        if (toggle) { toggle.click(); }
      }
      target.scrollIntoView();
      field.focus();
    }
  });
})();
