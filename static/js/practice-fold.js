// On a phone the practices of a report fold to their titles once filled in, so that the editor
// scrolls past them: a block folds when the focus leaves it with a title typed and no error in
// it, and the button that is then its heading opens it again. Wide screens and pages without
// JavaScript show every block open.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 40rem)");
  var count = 0;

  function titleOf(block) {
    var input = block.querySelector("input[name$='-title']");
    return input ? input.value.trim() : "";
  }

  function hasErrors(block) {
    return block.querySelector(".field-invalid, .errorlist, [aria-invalid=true]") !== null;
  }

  function setUp(block) {
    if (block.dataset.fold) {
      return;
    }
    count += 1;
    var legend = block.querySelector("legend");
    var heading = legend.querySelector("h3");
    var body = document.createElement("div");
    body.id = "practice-body-" + count;
    while (legend.nextSibling) {
      body.appendChild(legend.nextSibling);
    }
    block.appendChild(body);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "practice-toggle";
    button.setAttribute("aria-controls", body.id);
    var label = heading.textContent;
    block.dataset.fold = "true";

    function show(open) {
      body.hidden = !open;
      button.setAttribute("aria-expanded", open ? "true" : "false");
      var title = titleOf(block);
      button.textContent = title ? label + ": " + title : label;
    }

    heading.textContent = "";
    heading.appendChild(button);
    button.addEventListener("click", function () { show(body.hidden); });
    block.addEventListener("focusout", function (event) {
      if (narrow.matches && !block.contains(event.relatedTarget) && event.relatedTarget) {
        show(!(titleOf(block) && !hasErrors(block)));
      }
    });
    show(!(narrow.matches && titleOf(block) && !hasErrors(block)));
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("fieldset.practice-form").forEach(setUp);
  }

  window.cityLearnPracticeFold = { setUp: setUpAll };
  setUpAll(document);
})();
