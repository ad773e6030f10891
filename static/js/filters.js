// Apply the catalogue filters as soon as one changes, on a wide screen; the form works without
// this script. On a phone the filters fold into one panel (site.css): there the reader ticks
// several and presses "Apply filters", so each tick does not reload the page and fold the panel.
// After the reload, focus returns to the control that was changed, so keyboard users keep
// their place.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  var KEY = "citylearn-filter-focus";
  // The width at which site.css unfolds the panel into the side column.
  var wide = window.matchMedia("(min-width: 40rem)");
  try {
    var wanted = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    if (wanted) {
      var parts = JSON.parse(wanted);
      var controls = form.querySelectorAll("input, select");
      for (var i = 0; i < controls.length; i++) {
        if (controls[i].name === parts[0] && (controls[i].value === parts[1] || controls[i].tagName === "SELECT")) {
          for (var details = controls[i].closest("details"); details; details = details.parentElement.closest("details")) {
            details.open = true;
          }
          controls[i].focus();
          break;
        }
      }
    }
  } catch (error) { /* storage may be off: focus simply stays at the top */ }
  form.addEventListener("change", function (event) {
    var control = event.target;
    if (control.type === "search" || !wide.matches) return;
    try {
      sessionStorage.setItem(KEY, JSON.stringify([control.name, control.value]));
    } catch (error) { /* not needed to filter */ }
    form.submit();
  });
})();
