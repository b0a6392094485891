// Conditional questions: hide a question (and disable its inputs, so nothing of it is sent)
// until the earlier answer it depends on is chosen. Without this script every question is
// shown with a note saying when to answer it, and the server checks the same rule.
(function () {
  "use strict";
  var form = document.querySelector("form.survey-form");
  if (!form) return;
  var dependents = Array.prototype.slice.call(form.querySelectorAll("[data-show-if]"));
  if (!dependents.length) return;

  function chosen(name) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.name === name && !input.disabled && input.checked) values.push(input.value);
    });
    return values;
  }

  function update() {
    // In the form's order, so a question after a hidden one is hidden too.
    dependents.forEach(function (question) {
      var wanted = question.getAttribute("data-show-if-values").split(" ");
      var shown = chosen(question.getAttribute("data-show-if")).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      question.hidden = !shown;
      Array.prototype.forEach.call(question.querySelectorAll("input, textarea, select"),
        function (input) { input.disabled = !shown; });
    });
  }

  dependents.forEach(function (question) {
    var note = question.querySelector(".condition-note");
    if (note) note.hidden = true;  // the question now appears by itself when it applies
  });
  form.addEventListener("change", update);
  update();
})();
