// The sites layer of Lien's map: clustered markers built in the browser from one compact array,
// their tooltips and popups made only when opened. Python (lien/render/sites_layer.py) passes
// the layer's parent, the shared tables T, the rows and the options; every text in T is
// HTML-escaped.
//
// A row is [lat, lon, category, approximate, organisation, popup, town, services, freshness]:
// the integers index the tables in T (T.c colours, the last one for a site whose service is not
// stated, T.o organisations, T.t towns, T.v service labels, T.p full popups' fields, or -1 when
// the set is too large for them, T.f freshness lines), so 100,000 sites cost one array, not
// 100,000 HTML strings. T.u: whether some site's service is not stated.
//
// Two ways to cluster, one look. A small set gets one L.marker per site in Leaflet.markercluster
// (spiderfied at the last zoom). A large one (options.supercluster) comes column by column,
// nine little-endian typed arrays in base64 ({n, scale, columns: [[kind, base64, offset], ...]};
// a value is its entry plus the offset, a coordinate that in 1/scale degrees), and is indexed
// once by supercluster: only the clusters and sites of the view (and a margin) become markers,
// redrawn after each move. Building and filing 100,000 markers in MarkerCluster took seconds
// before the first bubble showed.
(function (parent, T, data, options) {
    var TYPED = {u8: Uint8Array, u16: Uint16Array, u32: Uint32Array};
    function column(c) {
        var bin = atob(c[1]), bytes = new Uint8Array(bin.length);
        for (var b = 0; b < bin.length; b++) { bytes[b] = bin.charCodeAt(b); }
        return new TYPED[c[0]](bytes.buffer);
    }
    var rows = data;
    if (options.supercluster) {
        var cols = data.columns.map(column), s = data.scale;
        var o = data.columns.map(function (c) { return c[2]; });
        rows = new Array(data.n);
        for (var k = 0; k < rows.length; k++) {
            rows[k] = [(cols[0][k] + o[0]) / s, (cols[1][k] + o[1]) / s, cols[2][k] + o[2],
                       cols[3][k] + o[3], cols[4][k] + o[4], cols[5][k] + o[5],
                       cols[6][k] + o[6], cols[7][k] + o[7], cols[8][k] + o[8]];
        }
    }
    // The one renderer of a popup: the essentials first, which fit a phone's popup without
    // scrolling (title, distance, where, when it was checked, "directions" and "call"), then the rest folded under
    // "more". Full popups (T.p) come with their fields; a compact one is made of the shared
    // tables. Every text and link target arrives escaped.
    function lines(list) {
        var out = '';
        for (var i = 0; i < list.length; i++) {
            out += '<div>' + (list[i][0] ? '<i>' + list[i][0] + '</i>' + T.sep : '')
                + list[i][1] + '</div>';
        }
        return out;
    }
    function render(f) {
        var out = '<b class="lien-pt">' + f.o + '</b>'
            + (f.s ? '<div class="lien-ps">' + f.s + '</div>' : '')
            + (f.k ? '<div class="lien-pk">' + f.k + '</div>' : '')
            + (f.w ? '<div class="lien-pw">' + f.w + '</div>' : '')
            + (f.f ? '<div class="lien-pf">' + f.f
                + (f.x ? ' · <b class="lien-px">' + f.x + '</b>' : '') + '</div>' : '');
        if (f.a.length) {
            out += '<div class="lien-pa">';
            for (var i = 0; i < f.a.length; i++) {
                // The way there and "suggest a correction" open a tab of their own: the map's
                // frame is sandboxed without allow-top-navigation, so a target="_top" link out
                // of it does nothing, while a new tab (allow-popups) opens Lien's form.
                var away = f.a[i][0] === 'directions' || f.a[i][0] === 'suggest';
                out += '<a class="lien-' + f.a[i][0] + '" href="' + f.a[i][1] + '"'
                    + (away ? ' target="_blank" rel="noopener noreferrer"' : '') + '>'
                    + f.a[i][2] + '</a>';
            }
            out += '</div>';
        }
        if (f.m.length) {
            out += '<details class="lien-pm"><summary>' + T.more + '</summary><div>'
                + lines(f.m) + '</div></details>';
        }
        return out;
    }
    function popup(r) {
        if (r[5] >= 0) { return render(T.p[r[5]]); }
        // A large set's popup: the organisation, its services, its town (approximate or not),
        // when it was checked and whether it may be out of date (T.f, shared per date).
        var where = T.t[r[6]] + (r[3] ? (T.t[r[6]] ? ' · ' : '') + '<i>' + T.approx + '</i>' : '');
        var fresh = T.f[r[8]] || ['', ''];
        var actions = [['directions', T.route.replace('{lat}', r[0]).replace('{lon}', r[1]),
                        r[3] ? T.directions_approx : T.directions]];
        if (T.s) {  // the site by its organisation and point: the page finds its record
            actions.push(['suggest', T.s.replace('{org}', encodeURIComponent(plain(T.o[r[4]])))
                .replace('{lat}', r[0]).replace('{lon}', r[1]), T.sl]);
        }
        return render({o: T.o[r[4]], s: T.v[r[7]], k: '', w: where, f: fresh[0], x: fresh[1],
                       m: [], a: actions});
    }
    var POPUP = {maxWidth: 320, autoPanPadding: [12, 12]};
    // A marker is a small dot in a 44-px touch target; a dashed, hollow dot is an approximate
    // place (a postcode or a town centre).
    var icons = {};
    function icon(category, approx) {
        var key = category + (approx ? 'a' : 'e');
        if (!icons[key]) {
            var colour = T.c[category];
            icons[key] = L.divIcon({
                className: 'lien-dot' + (approx ? ' lien-approx' : ''), iconSize: [44, 44],
                html: '<span style="' + (approx ? 'border-color:' + colour + ';background:'
                    + colour + '26' : 'background:' + colour) + '"></span>'});
        }
        return icons[key];
    }
    // Cluster bubbles as MarkerCluster draws them, at the 44-px touch size (both ways).
    function bubble(n) {
        var size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
        return L.divIcon({html: '<div><span>' + n + '</span></div>', iconSize: [44, 44],
                          className: 'marker-cluster marker-cluster-' + size});
    }
    // To a keyboard a marker is a button (Leaflet gives it tabindex and role="button"): it is
    // named by its organisation and town, set when Leaflet draws its icon. The tables hold
    // escaped HTML; a textarea decodes it to plain text and never makes elements.
    var decoder = document.createElement('textarea');
    function plain(escaped) { decoder.innerHTML = escaped; return decoder.value; }
    function named() {
        var r = this.lienRow, town = T.t[r[6]];
        if (this._icon) {
            this._icon.setAttribute('aria-label', plain(T.o[r[4]] + (town ? ', ' + town : '')));
        }
    }
    function marker(r) {
        var m = L.marker([r[0], r[1]], {icon: icon(r[2], r[3] === 1)});
        m.lienRow = r;
        m.on('add', named);
        // A name on hover; a phone has no hover, and its tap's tooltip would sit on the popup.
        if (!L.Browser.mobile) {
            m.bindTooltip(function () { return T.o[r[4]]; });
        }
        m.bindPopup(function () { return popup(r); }, POPUP);
        return m;
    }
    // A popup fits the map it opens in, a phone's too: narrower, and scrolling when taller.
    // Its content's width plus margins (58 px) and a gap on each side stay inside the map.
    function fitPopup(e) {
        var size = this._map.getSize();
        e.popup.options.maxWidth = Math.max(160, Math.min(320, size.x - 110));
        e.popup.options.minWidth = Math.min(e.popup.options.minWidth || 50,
                                            e.popup.options.maxWidth);
        e.popup.options.maxHeight = Math.max(120, size.y - 100);
        e.popup.update();
    }
    // The legend's "service not stated" entry shows while a site of the kind is on the map (the
    // legend belongs to the base map, which stays the same when the view changes).
    function legendEntry(layer) {
        var mark = function (on) {
            if (layer._map) {
                L.DomUtil[on ? 'addClass' : 'removeClass'](
                    layer._map.getContainer(), 'lien-has-unstated');
            }
        };
        layer.on('add', function () { mark(T.u); });
        layer.on('remove', function () { mark(false); });
    }
    // Draw once the layer is on a map that has a size: a frame still laying out has none, and
    // clusters made for it would be made at the wrong zoom (the far sites never shown).
    function whenSized(map, draw) {
        var ready = function () { var s = map.getSize(); return s.x > 0 && s.y > 0; };
        if (ready()) { draw(map); return; }
        var sized = function () {
            if (ready()) { map.off('resize', sized); draw(map); }
        };
        map.on('resize', sized);
    }
    if (!options.supercluster) {
        var markers = new Array(rows.length);
        for (var i = 0; i < rows.length; i++) { markers[i] = marker(rows[i]); }
        options.markercluster.iconCreateFunction = function (c) {
            return bubble(c.getChildCount());
        };
        var cluster = L.markerClusterGroup(options.markercluster);
        cluster.on('popupopen', fitPopup);
        // Add the markers once the cluster is on the map: before that, MarkerCluster checks each
        // new marker against every queued one (quadratic: seconds at 100,000 sites).
        cluster.once('add', function () {
            whenSized(cluster._map, function () { cluster.addLayers(markers); });
        });
        legendEntry(cluster);
        cluster.addTo(parent);
        return cluster;
    }

    // supercluster keeps a point's properties by reference and hands them back with an
    // unclustered site (a new Feature each time): the row and its number ride there.
    var points = new Array(rows.length);
    for (var j = 0; j < rows.length; j++) {
        points[j] = {type: 'Feature', properties: {r: rows[j], i: j},
                     geometry: {type: 'Point', coordinates: [rows[j][1], rows[j][0]]}};
    }
    var sc = options.clusters;
    var index = new Supercluster({radius: sc.radius, extent: 256, maxZoom: sc.maxZoom});
    var group = L.featureGroup();
    group.on('popupopen', fitPopup);
    var shown = {};  // key -> marker on the map now; kept across moves, so an open popup stays
    // Sites that are still one cluster at the last zoom (the same point: many sites sit at a
    // commune's centre) are listed in the cluster's popup, each as its own popup reads.
    function leaves(id, n) {
        var list = index.getLeaves(id, sc.listed), out = '';
        for (var i = 0; i < list.length; i++) {
            out += (i ? '<hr>' : '') + popup(list[i].properties.r);
        }
        return out + (n > list.length ? '<hr>… (+' + (n - list.length) + ')' : '');
    }
    function clusterMarker(f) {
        var p = f.properties, c = f.geometry.coordinates;
        var m = L.marker([c[1], c[0]], {icon: bubble(p.point_count)});
        m.on('click', function () {
            var map = group._map, zoom = index.getClusterExpansionZoom(p.cluster_id);
            if (zoom <= map.getMaxZoom()) {
                map.setView([c[1], c[0]], zoom);
            } else if (!m.getPopup()) {
                m.bindPopup(function () { return leaves(p.cluster_id, p.point_count); }, POPUP);
                m.openPopup();
            }
        });
        return m;
    }
    function draw(map) {
        var box = map.getBounds().pad(0.5);
        var west = Math.max(-180, box.getWest()), east = Math.min(180, box.getEast());
        var found = index.getClusters(
            [west, Math.max(-85, box.getSouth()), east, Math.min(85, box.getNorth())],
            Math.round(map.getZoom()));
        var next = {};
        for (var i = 0; i < found.length; i++) {
            var f = found[i], p = f.properties;
            var key = p.cluster ? 'c' + p.cluster_id : 'p' + p.i;
            next[key] = shown[key] || (p.cluster ? clusterMarker(f) : marker(p.r));
        }
        for (var old in shown) {
            if (!next[old]) { group.removeLayer(shown[old]); }
        }
        for (var fresh in next) {
            if (!shown[fresh]) { group.addLayer(next[fresh]); }
        }
        shown = next;
    }
    // Redrawn while on a map: streamlit-folium may take the layer off and put it back.
    var loaded = false, onMap = null;
    function redraw() { draw(onMap); }
    group.on('add', function () {
        whenSized(group._map, function (map) {
            if (!loaded) { index.load(points); loaded = true; }
            onMap = map;
            map.on('moveend', redraw);
            draw(map);
        });
    });
    group.on('remove', function () {
        if (onMap) { onMap.off('moveend', redraw); onMap = null; }
    });
    legendEntry(group);
    group.addTo(parent);
    return group;
})
