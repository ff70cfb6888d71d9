// The crew's check-in: the button asks the phone for its position and sends it; if the phone will
// not tell (permission denied, no fix), the page asks for the place in words and sends that.
(function () {
  function setUp() {
    var form = document.getElementById("check-in-form");
    if (!form) return;
    var lat = form.querySelector("[name=lat]"), lng = form.querySelector("[name=lng]");
    var accuracy = form.querySelector("[name=accuracy]"), note = form.querySelector("[name=place_note]");
    var status = document.getElementById("check-in-status"), button = document.getElementById("check-in-button");
    var located = false;
    function fallBack() {
      located = true;  // send the typed place from now on
      lat.value = lng.value = accuracy.value = "";
      note.required = true;
      status.textContent = form.dataset.denied;
      button.disabled = false;
      if (note.value.trim()) form.requestSubmit ? form.requestSubmit() : form.submit();
      else note.focus();
    }
    form.addEventListener("submit", function (event) {
      if (located || !navigator.geolocation) return;
      event.preventDefault();
      button.disabled = true;
      status.textContent = form.dataset.locating;
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lng.value = position.coords.longitude.toFixed(6);
        accuracy.value = Math.round(position.coords.accuracy || 0);
        located = true;
        button.disabled = false;
        form.submit();
      }, fallBack, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
