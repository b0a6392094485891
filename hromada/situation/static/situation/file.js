// Step 1 of filing a report: tap the map, use the phone's location, or type an address and
// pick it from the city's register. Without this script the address search and the typed
// coordinates do the same.
(function () {
  "use strict";
  var form = document.querySelector("[data-point-form]");
  if (!form) { return; }
  var latitude = form.querySelector("input[name=latitude]");
  var longitude = form.querySelector("input[name=longitude]");
  var place = form.querySelector("input[name=location_text]");
  var status = document.getElementById("location-status");
  var mapElement = document.getElementById("point-map");
  var results = document.getElementById("address-results");
  var query = document.getElementById("address-query");
  var map = null, marker = null;

  function placeMarker(move) {
    if (!map) { return; }
    var lat = parseFloat(latitude.value), lon = parseFloat(longitude.value);
    if (isNaN(lat) || isNaN(lon)) { return; }
    if (marker) { marker.setLatLng([lat, lon]); }
    else { marker = L.marker([lat, lon], { keyboard: false, alt: mapElement.dataset.markerLabel }).addTo(map); }
    if (move) { map.setView([lat, lon], Math.max(map.getZoom(), 16)); }
  }

  function setPoint(lat, lon, move) {
    latitude.value = lat.toFixed(6);
    longitude.value = lon.toFixed(6);
    form.querySelectorAll("input[name=address]").forEach(function (radio) { radio.checked = false; });
    placeMarker(move);
  }

  if (mapElement && typeof L !== "undefined") {
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

  window.hromadaLocateButton(form, mapElement, setPoint, status);

  // Choosing an address found by the search puts its point on the map at once.
  form.addEventListener("change", function (event) {
    if (event.target.name !== "address") { return; }
    var label = form.querySelector("label[for=" + event.target.id + "]");
    if (event.target.dataset.lat) {
      latitude.value = event.target.dataset.lat;
      longitude.value = event.target.dataset.lon;
      placeMarker(true);
    }
    if (place && !place.value && label) { place.value = label.textContent; }
  });

  // Live search in the register as one types.
  if (query && results) {
    var timer = null;
    query.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = query.value.trim();
        if (text.length < 2) { return; }
        fetch(form.dataset.addresses + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (found) {
            var legend = results.querySelector("legend");
            results.innerHTML = "";
            results.appendChild(legend);
            if (!found.length) {
              var none = document.createElement("p");
              none.textContent = form.dataset.noAddress;
              results.appendChild(none);
            }
            found.forEach(function (address) {
              var row = document.createElement("div");
              row.className = "checkbox";
              var radio = document.createElement("input");
              radio.type = "radio";
              radio.name = "address";
              radio.value = address.id;
              radio.id = "address-" + address.id;
              radio.dataset.lat = address.latitude;
              radio.dataset.lon = address.longitude;
              var label = document.createElement("label");
              label.htmlFor = radio.id;
              label.textContent = address.label;
              row.appendChild(radio);
              row.appendChild(label);
              results.appendChild(row);
            });
            results.hidden = false;
          })
          .catch(function () { /* the search button still works */ });
      }, 250);
    });
    // Words typed before this script ran (a slow phone) are searched too.
    if (query.value.trim().length >= 2) { query.dispatchEvent(new Event("input")); }
  }
})();
