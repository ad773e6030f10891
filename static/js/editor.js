// "Add another practice" without a round trip: copy the empty practice form the page carries.
// Without JavaScript the same button posts the form back with one more practice.
(function () {
  "use strict";
  var button = document.querySelector("[data-add-practice]");
  var template = document.getElementById("practice-template");
  var list = document.querySelector("[data-practice-forms]");
  var total = document.getElementById("id_practices-TOTAL_FORMS");
  if (!button || !template || !list || !total) {
    return;
  }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var form = holder.firstElementChild;
    form.querySelector("legend h3").textContent = "Practice " + (index + 1);
    list.appendChild(form);
    if (window.cityLearnPickers) {
      window.cityLearnPickers.setUp(form);
    }
    if (window.cityLearnPracticeFold) {
      window.cityLearnPracticeFold.setUp(list);
    }
    total.value = String(index + 1);
    var first = form.querySelector("input[type=text]");
    if (first) {
      first.focus();
    }
  });
})();
