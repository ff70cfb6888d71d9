// The person picker (templates/people/_person_picker.html): keeps one row per picked person and
// tidies up after an inline registration.  htmx does the requests; this only touches the DOM.
(function () {
  function pickerOf(el) { return el instanceof Element ? el.closest("[data-person-picker]") : null; }

  // Enter in the search searches; it never submits the form the picker sits in.
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && el instanceof Element && pickerOf(el) && el.matches("input")) event.preventDefault();
  });

  // A person picked twice stays once: the newest row wins.
  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.target;
    if (!(list instanceof Element) || !list.matches(".person-picked")) return;
    var seen = {};
    var rows = Array.prototype.slice.call(list.querySelectorAll("li")).reverse();
    rows.forEach(function (row) {
      var input = row.querySelector("input[type=hidden]");
      if (!input) return;
      if (seen[input.value]) row.remove();
      seen[input.value] = true;
    });
  });

  // Registered and picked: close the form and the results, empty the search.
  document.addEventListener("person-registered", function (event) {
    var picker = pickerOf(event.target);
    if (!picker) return;
    picker.querySelectorAll(".person-register, .person-results").forEach(function (el) { el.innerHTML = ""; });
    var search = picker.querySelector("input[type=search]");
    if (search) search.value = "";
  });
})();
