// The admin's geometry field: a map that shows the GeoJSON of the textarea and lets staff draw
// a point, a line or an area into it. Without this script (or Leaflet) the textarea still works.
(function () {
  "use strict";
  var KINDS = { Point: 1, LineString: 2, Polygon: 3 };

  function round(value) {
    return Math.round(value * 1e6) / 1e6;
  }

  function setup(area) {
    if (typeof L === "undefined" || area.dataset.geometryReady) return;
    area.dataset.geometryReady = "1";
    var d = area.dataset;
    var box = document.createElement("div");
    box.className = "geometry-widget";
    var tools = document.createElement("div");
    tools.className = "geometry-tools";
    tools.setAttribute("role", "group");
    tools.setAttribute("aria-label", d.labelTools);
    var help = document.createElement("p");
    help.className = "geometry-help";
    help.textContent = d.labelHelp;
    var mapElement = document.createElement("div");
    mapElement.className = "geometry-map";
    box.appendChild(tools);
    box.appendChild(help);
    box.appendChild(mapElement);
    area.parentNode.insertBefore(box, area);

    var mode = "Point";
    var vertices = [];
    var buttons = {};
    [["Point", d.labelPoint], ["LineString", d.labelLine], ["Polygon", d.labelPolygon]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = pair[1];
      button.dataset.kind = pair[0];
      button.addEventListener("click", function () { choose(pair[0]); });
      buttons[pair[0]] = button;
      tools.appendChild(button);
    });
    var clear = document.createElement("button");
    clear.type = "button";
    clear.textContent = d.labelClear;
    clear.addEventListener("click", function () {
      vertices = [];
      area.value = "";
      layer.clearLayers();
    });
    tools.appendChild(clear);

    var center = (d.center || "0,0,2").split(",").map(Number);
    var map = L.map(mapElement).setView([center[0], center[1]], center[2] || 12);
    L.tileLayer(d.tiles, { maxZoom: 19, attribution: d.attribution }).addTo(map);
    var layer = L.geoJSON().addTo(map);

    function choose(kind) {
      mode = kind;
      vertices = [];
      Object.keys(buttons).forEach(function (key) {
        buttons[key].setAttribute("aria-pressed", key === kind ? "true" : "false");
      });
    }

    function show() {
      layer.clearLayers();
      var geometry;
      try { geometry = JSON.parse(area.value); } catch (error) { return; }
      if (!geometry || !KINDS[geometry.type]) return;
      choose(geometry.type);
      layer.addData(geometry);
      var bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 17 });
    }

    function geometry() {
      if (mode === "Point") return { type: "Point", coordinates: vertices[0] };
      if (mode === "LineString") return { type: "LineString", coordinates: vertices.slice() };
      return { type: "Polygon", coordinates: [vertices.concat([vertices[0]])] };
    }

    map.on("click", function (event) {
      var point = [round(event.latlng.lng), round(event.latlng.lat)];
      vertices = mode === "Point" ? [point] : vertices.concat([point]);
      layer.clearLayers();
      if (vertices.length < KINDS[mode]) {
        vertices.forEach(function (v) { L.circleMarker([v[1], v[0]], { radius: 5 }).addTo(layer); });
        return;
      }
      var drawn = geometry();
      area.value = JSON.stringify(drawn);
      layer.addData(drawn);
    });
    area.addEventListener("change", show);
    choose("Point");
    show();
  }

  function start() {
    document.querySelectorAll("textarea[data-geometry-map]").forEach(setup);
  }
  // The admin loads a form's scripts in the page's head, before the form.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
