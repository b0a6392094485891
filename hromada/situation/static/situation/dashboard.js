// The dashboard's heat map: squares shaded by how many problem reports they hold; each opens
// the list of those reports. The table under the map carries the same numbers.
(function () {
  "use strict";
  var element = document.getElementById("heat-map");
  var data = document.getElementById("heat-cells");
  if (!element || !data || typeof L === "undefined") { return; }
  var cells = JSON.parse(data.textContent);
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
  var bounds = [];
  cells.forEach(function (cell) {
    var box = [[cell.south, cell.west], [cell.north, cell.east]];
    L.rectangle(box, { stroke: false, fillColor: "#a4161a", fillOpacity: 0.15 + 0.6 * cell.share })
      .bindTooltip(String(cell.count))
      .on("click", function () { window.location.href = element.dataset.list + "?" + cell.query; })
      .addTo(map);
    bounds.push(box[0], box[1]);
  });
  if (bounds.length) { map.fitBounds(bounds); }
  else {
    var center = element.dataset.center.split(",").map(Number);
    map.setView([center[0], center[1]], center[2]);
  }
})();
