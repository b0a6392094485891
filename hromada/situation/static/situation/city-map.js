// The map of works and city objects: each checked layer is read from its GeoJSON endpoint.
// The table of works under the map carries the same works for keyboards and screen readers.
(function () {
  "use strict";
  var element = document.getElementById("city-map");
  if (!element || typeof L === "undefined") { return; }
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
  var center = element.dataset.center.split(",").map(Number);
  map.setView([center[0], center[1]], center[2]);
  var shown = {};

  function describe(properties) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = properties.title || properties.name;
    box.appendChild(title);
    var lines = [];
    if (properties.contractor) { lines.push(properties.contractor); }
    if (properties.ends_on) { lines.push(properties.starts_on + " – " + properties.ends_on); }
    (properties.attributes || []).forEach(function (a) { lines.push(a.label + ": " + a.value); });
    lines.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
    return box;
  }

  function toggle(input) {
    var url = input.dataset.layerUrl;
    if (shown[url]) { shown[url].remove(); delete shown[url]; }
    if (!input.checked) { return; }
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!input.checked) { return; }
        shown[url] = L.geoJSON(data, {
          style: { color: input.dataset.colour, weight: 4 },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 8, color: input.dataset.colour, fillOpacity: 0.7 });
          },
          onEachFeature: function (feature, layer) { layer.bindPopup(describe(feature.properties)); }
        }).addTo(map);
      })
      .catch(function () { /* the table still lists the works */ });
  }

  document.querySelectorAll("[data-layer-url]").forEach(function (input) {
    input.addEventListener("change", function () { toggle(input); });
    if (input.checked) { toggle(input); }
  });
})();
