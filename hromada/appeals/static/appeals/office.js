// Progressive enhancement of the queue: everything works without it.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) return;

  // Show only the fields the chosen bulk action uses.
  var action = form.querySelector("select[name='action']");
  var parts = form.querySelectorAll("[data-bulk-for]");
  function sync() {
    parts.forEach(function (part) {
      var wanted = part.getAttribute("data-bulk-for").split(" ");
      part.hidden = action.value !== "" && wanted.indexOf(action.value) === -1;
    });
  }
  if (action) {
    action.addEventListener("change", sync);
    sync();
  }

  // A "tick all" box in the header of the ticks' column.
  var head = form.querySelector("thead .col-pick");
  var boxes = form.querySelectorAll("tbody input[name='appeals']");
  if (head && boxes.length) {
    var label = document.createElement("label");
    label.className = "pick";
    var all = document.createElement("input");
    all.type = "checkbox";
    var text = document.createElement("span");
    text.className = "visually-hidden";
    text.textContent = head.getAttribute("data-all-label");
    label.appendChild(all);
    label.appendChild(text);
    head.textContent = "";
    head.appendChild(label);
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
  }
})();
