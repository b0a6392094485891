// The map of offices: a visual extra over the list below it, which carries the same content.
(function () {
  "use strict";
  var element = document.getElementById("office-map");
  var data = document.getElementById("office-points");
  if (!element || !data || typeof L === "undefined") { return; }
  var offices = JSON.parse(data.textContent);
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
  var bounds = [];
  offices.forEach(function (office) {
    var marker = L.marker([office.lat, office.lon], { title: office.name, alt: office.name });
    var link = document.createElement("a");
    link.href = office.url;
    link.textContent = office.name;
    var popup = document.createElement("div");
    popup.appendChild(link);
    if (office.address) {
      var address = document.createElement("p");
      address.textContent = office.address;
      popup.appendChild(address);
    }
    marker.bindPopup(popup).addTo(map);
    bounds.push([office.lat, office.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 }); }
  else {
    var center = element.dataset.center.split(",").map(Number);
    map.setView([center[0], center[1]], center[2]);
  }
})();
