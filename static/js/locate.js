// "Use my location": one button before `before` that asks the browser for the position and
// hands it to setPoint(lat, lon, true). Its words come from the form's data-locate* attributes;
// `status` is the live region that tells a screen reader what happened.
window.hromadaLocateButton = function (form, before, setPoint, status) {
  if (!navigator.geolocation || !before) { return; }
  var locate = document.createElement("button");
  locate.type = "button";
  locate.className = "button button-secondary";
  locate.textContent = form.dataset.locate;
  locate.addEventListener("click", function () {
    status.textContent = form.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        setPoint(position.coords.latitude, position.coords.longitude, true);
        status.textContent = form.dataset.located;
      },
      function () { status.textContent = form.dataset.locateFailed; },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
  var holder = document.createElement("p");
  holder.appendChild(locate);
  before.parentNode.insertBefore(holder, before);
};
