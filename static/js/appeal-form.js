// The appeal form: show the fields of the chosen kind, and a map and "use my location" for a
// problem report. Without this script every field is shown, each with a hint of its kind,
// and the coordinates are typed.
(function () {
  "use strict";
  var form = document.querySelector("[data-appeal-form]");
  if (!form) { return; }
  var kind = form.querySelector("select[name=kind]");
  var groups = form.querySelectorAll("[data-kinds]");
  var guide = form.querySelectorAll(".kind-guide-item");
  var latitude = form.querySelector("input[name=latitude]");
  var longitude = form.querySelector("input[name=longitude]");
  var coordinates = document.getElementById("coordinates");
  var status = document.getElementById("location-status");
  var mapElement = document.getElementById("point-map");
  var map = null;
  var marker = null;

  function placeMarker(move) {
    if (!map) { return; }
    var lat = parseFloat(latitude.value);
    var lon = parseFloat(longitude.value);
    if (isNaN(lat) || isNaN(lon)) {
      if (marker) { marker.remove(); marker = null; }
      return;
    }
    if (marker) { marker.setLatLng([lat, lon]); }
    else {
      marker = L.marker([lat, lon], { keyboard: false, alt: mapElement.dataset.markerLabel || "" }).addTo(map);
    }
    if (move) { map.setView([lat, lon], Math.max(map.getZoom(), 16)); }
  }

  function setPoint(lat, lon, move) {
    latitude.value = lat.toFixed(6);
    longitude.value = lon.toFixed(6);
    placeMarker(move);
  }

  function showMap() {
    if (map || !mapElement || typeof L === "undefined") { return; }
    mapElement.hidden = false;
    map = L.map(mapElement, { scrollWheelZoom: false });
    L.tileLayer(mapElement.dataset.tiles, { maxZoom: 19, attribution: mapElement.dataset.attribution }).addTo(map);
    var center = mapElement.dataset.center.split(",").map(Number);
    map.setView([center[0], center[1]], center[2]);
    map.on("click", function (event) {
      setPoint(event.latlng.lat, event.latlng.lng, false);
      status.textContent = form.dataset.pointSet;
    });
    placeMarker(true);
  }

  function update() {
    var value = kind.value;
    groups.forEach(function (group) {
      group.hidden = !value || group.dataset.kinds.split(" ").indexOf(value) === -1;
    });
    guide.forEach(function (item) {
      item.hidden = Boolean(value) && item.dataset.kind !== value;
    });
    if (value === "problem_report") { showMap(); }
  }

  window.hromadaLocateButton(form, coordinates, setPoint, status);
  [latitude, longitude].forEach(function (input) {
    if (input) { input.addEventListener("change", function () { placeMarker(true); }); }
  });
  kind.addEventListener("change", update);
  update();
})();
