// The report form's pickers as search-as-you-type boxes (WAI-ARIA combobox with a listbox).
// Without JavaScript each picker is a list of ticked boxes and a text box whose typed names the
// server matches or adds on saving; this script only adds the list of suggestions. A city or
// organiser added in one picker is offered at once by every picker of its kind on the page.
(function () {
  "use strict";
  var added = {};
  var count = 0;

  function normalised(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function matches(label, query) {
    var words = normalised(query).split(/\s+/).filter(Boolean);
    var text = normalised(label);
    return words.length > 0 && words.every(function (word) { return text.indexOf(word) !== -1; });
  }

  function setUp(picker) {
    if (picker.dataset.ready) {
      return;
    }
    picker.dataset.ready = "true";
    var kind = picker.dataset.picker;
    var input = picker.querySelector(".picker-input");
    var chosen = picker.querySelector(".picker-chosen");
    var name = input.name.replace(/_add$/, "");
    count += 1;
    var listbox = document.createElement("ul");
    listbox.id = "picker-listbox-" + count;
    listbox.className = "picker-options";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", picker.dataset.textSuggestions);
    listbox.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", listbox);
    listbox.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    added[kind] = added[kind] || [];
    // New ones typed before a page came back (an error, a preview) are offered everywhere too.
    chosen.querySelectorAll("input[value^='new:']").forEach(function (box) {
      var label = box.parentNode.textContent.trim();
      if (!added[kind].some(function (option) { return option.value === box.value; })) {
        added[kind].push({ value: box.value, label: label, chosen: label });
      }
    });
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function chosenValues() {
      return Array.prototype.map.call(chosen.querySelectorAll("input"), function (box) {
        return box.value;
      });
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function show(found) {
      var taken = chosenValues();
      var query = input.value.split(",")[0];
      var local = added[kind].filter(function (option) {
        return option.value && matches(option.label, query);
      });
      var seen = {};
      options = local.concat(found).filter(function (option) {
        var keep = !seen[option.value] && taken.indexOf(option.value) === -1;
        seen[option.value] = true;
        return keep;
      });
      listbox.textContent = "";
      options.forEach(function (option, index) {
        var item = document.createElement("li");
        item.id = listbox.id + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = option.label;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        listbox.appendChild(item);
      });
      active = -1;
      listbox.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
      status.textContent = options.length
        ? options.length + " " + picker.dataset.textFound
        : picker.dataset.textNone;
    }

    function search() {
      var query = input.value;
      if (!query.trim() || query.indexOf(";") !== -1) {
        close();
        return;
      }
      var ticket = ++asked;
      fetch(picker.dataset.source + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { options: [] }; })
        .then(function (data) {
          if (ticket === asked) {
            show(data.options);
          }
        })
        .catch(function () { show([]); });
    }

    function highlight(index) {
      var items = listbox.querySelectorAll("[role=option]");
      if (!items.length) {
        return;
      }
      active = (index + items.length) % items.length;
      items.forEach(function (item, position) {
        item.setAttribute("aria-selected", position === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var option = options[index];
      if (!option) {
        return;
      }
      var label = option.chosen || option.label;
      var item = document.createElement("li");
      var tag = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = name;
      box.value = option.value;
      box.checked = true;
      tag.appendChild(box);
      tag.appendChild(document.createTextNode(" " + label));
      item.appendChild(tag);
      chosen.appendChild(item);
      if (option.is_new) {
        added[kind].push({ value: option.value, label: label, chosen: label });
      }
      input.value = "";
      close();
      status.textContent = picker.dataset.textChosen + " " + label;
      input.focus();
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) { highlight(active + 1); } else { search(); }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Enter" && open) {
        // Enter in a picker chooses; it never sends the form by accident.
        event.preventDefault();
        highlight(0);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  // Someone typed under "People at the event" can be chosen as the person behind a practice
  // before anything is saved: each name box keeps one entry of the people pickers up to date.
  function offerPeople() {
    added.people = added.people || [];
    document.querySelectorAll("input[name^='people-'][name$='-name']").forEach(function (box) {
      var entry = { value: "", label: "", chosen: "" };
      added.people.push(entry);
      function update() {
        var name = box.value.trim().replace(/\s+/g, " ");
        entry.value = name ? "new:" + name : "";
        entry.label = entry.chosen = name;
      }
      box.addEventListener("change", update);
      update();
    });
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("[data-picker]").forEach(setUp);
  }

  offerPeople();

  window.cityLearnPickers = { setUp: setUpAll };
  setUpAll(document);
})();
