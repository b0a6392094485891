// The public map of problem reports: clusters counted by the server for the visible box and
// the filters in the address; single reports link to their pages. The list carries the same
// reports for keyboards and screen readers. Also the small map of one report's place.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  var point = document.getElementById("report-point");
  if (point) {
    var lat = parseFloat(point.dataset.lat), lon = parseFloat(point.dataset.lon);
    var small = L.map(point, { scrollWheelZoom: false }).setView([lat, lon], 16);
    L.tileLayer(point.dataset.tiles, { maxZoom: 19, attribution: point.dataset.attribution }).addTo(small);
    L.marker([lat, lon], { keyboard: false, alt: point.dataset.label }).addTo(small);
  }

  var element = document.getElementById("report-map");
  if (!element) { return; }
  var status = document.getElementById("map-status");
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: element.dataset.attribution }).addTo(map);
  var center = element.dataset.center.split(",").map(Number);
  var params = new URLSearchParams(window.location.search);
  if (params.get("lat") && params.get("lon")) {
    map.setView([Number(params.get("lat")), Number(params.get("lon"))], Number(params.get("zoom") || center[2]));
  } else {
    map.setView([center[0], center[1]], center[2]);
  }
  var layer = L.layerGroup().addTo(map);
  var request = 0;

  function clusterIcon(count) {
    var size = count < 10 ? 36 : count < 100 ? 44 : count < 1000 ? 52 : 60;
    return L.divIcon({ className: "report-cluster", html: "<span>" + count + "</span>", iconSize: [size, size] });
  }

  function popup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.subject;
    box.appendChild(link);
    var meta = document.createElement("p");
    meta.textContent = properties.category + " · " + properties.status_label + " · " +
      properties.supporters + " " + element.dataset.supportersLabel;
    box.appendChild(meta);
    return box;
  }

  function keepInAddress() {
    var here = new URLSearchParams(window.location.search);
    var c = map.getCenter();
    here.set("lat", c.lat.toFixed(5));
    here.set("lon", c.lng.toFixed(5));
    here.set("zoom", map.getZoom());
    window.history.replaceState(null, "", window.location.pathname + "?" + here.toString());
  }

  function load() {
    var bounds = map.getBounds();
    var query = new URLSearchParams(element.dataset.query);
    query.set("bbox", [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map(function (v) { return v.toFixed(5); }).join(","));
    query.set("zoom", map.getZoom());
    var mine = ++request;
    fetch(element.dataset.api + "?" + query.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (mine !== request || !data.features) { return; }
        layer.clearLayers();
        data.features.forEach(function (feature) {
          var ll = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
          if (feature.properties.cluster) {
            var count = feature.properties.count;
            L.marker(ll, { icon: clusterIcon(count), title: count + " " + element.dataset.clusterLabel, alt: count + " " + element.dataset.clusterLabel })
              .on("click", function () { map.setView(ll, Math.min(map.getZoom() + 2, 19)); })
              .addTo(layer);
          } else {
            L.marker(ll, { title: feature.properties.subject, alt: feature.properties.subject })
              .bindPopup(popup(feature.properties)).addTo(layer);
          }
        });
        if (status) {
          var total = data.features.reduce(function (sum, f) { return sum + (f.properties.cluster ? f.properties.count : 1); }, 0);
          status.textContent = total ? String(total) : "";
        }
      })
      .catch(function () { /* the list below still shows every report */ });
  }

  map.on("moveend", function () { keepInAddress(); load(); });
  load();
})();
