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

  /* One image icon per marker drawing: the browser decodes the SVG once and paints a thousand stars as images,
     where inline SVG would be a thousand small documents to style and lay out. */
  function svgIcon(style) {
    if (!style.icon) {
      style.icon = L.icon({iconUrl: "data:image/svg+xml," + encodeURIComponent(style.svg),
                           iconSize: [style.box, style.box], className: "lamplight-marker"});
    }
    return style.icon;
  }

  /* A point drawn as its symbol's outline (star, square, ...) by the map's renderer, like a circle marker: a
     thousand of them cost what a thousand circles cost, where icons would be a thousand page elements. */
  var ShapeMarker = L.CircleMarker.extend({
    _updatePath: function () {
      var renderer = this._renderer, p = this._point, outline = this.options.outline;
      if (!renderer._ctx) {
        renderer._setPath(this, "M" + outline.map(function (q) { return (p.x + q[0]) + "," + (p.y + q[1]); })
          .join("L") + "Z");
        return;
      }
      if (!renderer._drawing || this._empty()) { return; }
      var ctx = renderer._ctx;
      ctx.beginPath();
      outline.forEach(function (q, i) { ctx[i ? "lineTo" : "moveTo"](p.x + q[0], p.y + q[1]); });
      ctx.closePath();
      renderer._fillStroke(ctx, this);
    }
  });

  /* A styled GeoJSON layer: features carry s (style index) and p (display values of the chosen fields). */
  function geoJsonLayer(data, styles, fields, options) {
    var renderer = options.renderer;
    var layer = L.geoJSON(null, {
      renderer: renderer,
      style: function (feature) { return styles[feature.properties.s]; },
      pointToLayer: function (feature, latlng) {
        var style = styles[feature.properties.s];
        if (style.svg) { return L.marker(latlng, {icon: svgIcon(style), keyboard: false}); }
        if (style.outline) { return new ShapeMarker(latlng, L.extend({renderer: renderer}, style)); }
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

  /* Bring the layers drawn after index ``from`` back over it (new paths on a canvas go on top). */
  function raiseFrom(map, from) {
    for (var i = from; i < layers.length; i++) {
      var layer = layers[i].layer;
      if (map.hasLayer(layer) && layer.bringToFront) { layer.bringToFront(); }
    }
  }

  /* Keep the project's drawing order when a layer is switched off and on again in the layer control. */
  function keepOrder(map) {
    map.on("overlayadd", function () { raiseFrom(map, 0); });
  }

  /* Chunks being inflated, the level-of-detail layers' show functions, and who waits for none to be left. */
  var pending = 0, waiting = [], showers = [];

  /* Once every chunk asked for is decoded, every layer shows its new chunks in one go, bottom layer first: the
     canvas then draws once, in the project's order, instead of once per chunk. */
  function settled() {
    if (pending !== 0) { return; }
    showers.forEach(function (show) { show(); });
    waiting.splice(0).forEach(function (resolve) { resolve(true); });
  }

  /* A promise that resolves once every chunk the current views asked for is drawn. */
  function ready() {
    return new Promise(function (resolve) { waiting.push(resolve); settled(); });
  }

  /* gzip + base64 GeoJSON (written by web_lod.py) back to an object, with the browser's own inflater. */
  function inflate(base64) {
    var text = atob(base64), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).json();
  }

  /* A city layer drawn per zoom band: bands[i] = {minZoom, styles, fields, chunks}, each chunk {b: bounds,
     d: packed GeoJSON} or {b, img: picture}; only the chunks of the current band near the view are decoded. */
  function lodLayer(bands, options) {
    var group = L.featureGroup(), built = {}, map = null;

    function bandAt(zoom) {
      var k = 0;
      for (var i = 1; i < bands.length; i++) { if (zoom >= bands[i].minZoom) { k = i; } }
      return k;
    }

    function wanted() {
      var keys = {}, k = bandAt(map.getZoom()), view = map.getBounds().pad(0.2);
      bands[k].chunks.forEach(function (chunk, i) {
        if (view.intersects(L.latLngBounds(chunk.b))) { keys[k + ":" + i] = chunk; }
      });
      return {band: bands[k], keys: keys};
    }

    function show() {
      if (!map) { return; }
      var want = wanted(), added = false;
      Object.keys(built).forEach(function (key) {
        var layer = built[key];
        if (layer && !want.keys[key] && group.hasLayer(layer)) { group.removeLayer(layer); }
      });
      Object.keys(want.keys).forEach(function (key) {
        if (built[key] === undefined) {
          build(key, want.band, want.keys[key]);
        } else if (built[key] && !group.hasLayer(built[key])) {
          group.addLayer(built[key]);
          added = true;
        }
      });
      if (added) { raiseAfter(); }
    }

    function raiseAfter() {
      var index = layers.findIndex(function (entry) { return entry.layer === group; });
      raiseFrom(map, index + 1);
    }

    function build(key, band, chunk) {
      if (chunk.img) {
        built[key] = L.imageOverlay(chunk.img, chunk.b, {pane: options.pane, interactive: false,
                                                          zIndex: options.zIndex});
        group.addLayer(built[key]);
        return;
      }
      built[key] = null;
      pending++;
      inflate(chunk.d).then(function (data) {
        built[key] = geoJsonLayer(data, band.styles, band.fields, {renderer: options.renderer});
      }).catch(function (error) {
        console.error("Lamplight: chunk " + key + " could not be read: " + error);
      }).finally(function () { pending--; settled(); });
    }

    showers.push(show);
    group.on("add", function () { map = group._map; map.on("zoomend moveend", show); show(); });
    group.on("remove", function () { if (map) { map.off("zoomend moveend", show); } map = null; });
    return group;
  }

  return {table: table, label: label, geoJsonLayer: geoJsonLayer, layers: layers, register: register,
          keepOrder: keepOrder, lodLayer: lodLayer, ready: ready};
})();
