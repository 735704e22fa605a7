/* Lamplight web map helpers (MIT). Popups and tooltips are built with textContent, so attribute values are shown
   as text and never parsed as HTML; markers and paths take the styles computed from the layer's style in Python. */
var Lamplight = (function () {
  "use strict";

  function table(fields, values) {
    var t = document.createElement("table");
    t.className = "lamplight-popup";
    for (var i = 0; i < fields.length; i++) {
      var row = t.insertRow();
      var th = document.createElement("th");
      th.textContent = fields[i];
      row.appendChild(th);
      row.insertCell().textContent = values[i] === undefined || values[i] === null ? "" : values[i];
    }
    return t;
  }

  /* The tooltip: the first field that has a value (an unnamed building shows its id, not "Name: "). */
  function label(fields, values) {
    var span = document.createElement("span");
    for (var i = 0; i < fields.length; i++) {
      if (values[i] !== undefined && values[i] !== null && values[i] !== "") {
        span.textContent = fields[i] + ": " + values[i];
        return span;
      }
    }
    return span;
  }

  /* A styled GeoJSON layer: features carry s (style index) and p (display values of the chosen fields). */
  function geoJsonLayer(data, styles, fields, options) {
    var renderer = options.renderer;
    var layer = L.geoJSON(null, {
      renderer: renderer,
      style: function (feature) { return styles[feature.properties.s]; },
      pointToLayer: function (feature, latlng) {
        var style = styles[feature.properties.s];
        if (style.svg) {
          return L.marker(latlng, {
            icon: L.divIcon({html: style.svg, className: "lamplight-marker", iconSize: [style.box, style.box]}),
            keyboard: false
          });
        }
        return L.circleMarker(latlng, L.extend({renderer: renderer}, style));
      },
      onEachFeature: function (feature, item) {
        if (!fields.length) { return; }
        item.bindPopup(function () { return table(fields, feature.properties.p); }, {maxWidth: 380});
        item.bindTooltip(function () { return label(fields, feature.properties.p); }, {sticky: true});
      }
    });
    layer.addData(data);
    return layer;
  }

  /* Every exported layer in the project's drawing order, bottom first: {name, layer}. */
  var layers = [];

  function register(name, layer) {
    layers.push({name: name, layer: layer});
    return layer;
  }

  /* Keep the project's drawing order when a layer is switched off and on again in the layer control. */
  function keepOrder(map) {
    map.on("overlayadd", function () {
      layers.forEach(function (entry) {
        if (map.hasLayer(entry.layer) && entry.layer.bringToFront) { entry.layer.bringToFront(); }
      });
    });
  }

  return {table: table, label: label, geoJsonLayer: geoJsonLayer, layers: layers, register: register,
          keepOrder: keepOrder};
})();
