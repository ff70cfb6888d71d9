// The sampling point page: after each scan the next field has the focus, so a scanner's next code
// lands in it without a tap.
(function () {
  "use strict";
  function focusNext() {
    var field = document.querySelector("#station [autofocus]");
    if (field) { field.focus(); }
  }
  document.addEventListener("htmx:afterSettle", focusNext);
  document.addEventListener("DOMContentLoaded", focusNext);
})();
