// The sites layer of Lien's map: clustered circle markers built in the browser from one compact
// array, their tooltips and popups made only when opened. Python (lien/render/sites_layer.py)
// passes the layer's parent, the shared tables T and the rows; every text in T is HTML-escaped.
//
// A row is [lat, lon, category, approximate, organisation, popup, town, services]: the integers
// index the tables in T (T.c colours, T.o organisations, T.t towns, T.v service labels, T.p full
// popups' fields, or -1 when the set is too large for them), so 100,000 sites cost one array,
// not 100,000 HTML strings.
(function (parent, T, rows, options) {
    // The one renderer of a popup: a title, labelled lines and a directions link. Full popups
    // (T.p) come with their lines; a compact one is made of the shared tables.
    function render(f) {
        var out = '<b>' + f.o + '</b>' + (f.s ? '<br>' + f.s : '');
        for (var i = 0; i < f.l.length; i++) {
            out += '<br>' + (f.l[i][0] ? '<i>' + f.l[i][0] + '</i>: ' : '') + f.l[i][1];
        }
        if (f.d) {
            out += '<br><a href="' + f.d + '" target="_blank" rel="noopener noreferrer">'
                + (f.dl || T.directions) + '</a>';
        }
        return out;
    }
    function popup(r) {
        if (r[5] >= 0) { return render(T.p[r[5]]); }
        var lines = [['', T.v[r[7]]]];
        if (r[3]) { lines.push(['', '<i>' + T.approx + '</i>']); }
        return render({o: T.o[r[4]], s: T.t[r[6]], l: lines,
                       d: T.route.replace('{lat}', r[0]).replace('{lon}', r[1]),
                       dl: r[3] ? T.directions_approx : T.directions});
    }
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
    var markers = new Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        var m = L.marker([r[0], r[1]], {icon: icon(r[2], r[3] === 1)});
        m.lienRow = r;
        m.on('add', named);
        // A name on hover; a phone has no hover, and its tap's tooltip would sit on the popup.
        if (!L.Browser.mobile) {
            m.bindTooltip((function (r) { return function () { return T.o[r[4]]; }; })(r));
        }
        m.bindPopup((function (r) { return function () { return popup(r); }; })(r),
                    {maxWidth: 320, autoPanPadding: [12, 12]});
        markers[i] = m;
    }
    // Cluster bubbles as MarkerCluster draws them, at the 44-px touch size.
    options.iconCreateFunction = function (cluster) {
        var n = cluster.getChildCount();
        var size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
        return L.divIcon({html: '<div><span>' + n + '</span></div>', iconSize: [44, 44],
                          className: 'marker-cluster marker-cluster-' + size});
    };
    var cluster = L.markerClusterGroup(options);
    // A popup fits the map it opens in, a phone's too: narrower, and scrolling when taller.
    // Its content's width plus margins (58 px) and a gap on each side stay inside the map.
    cluster.on('popupopen', function (e) {
        var size = cluster._map.getSize();
        e.popup.options.maxWidth = Math.max(160, Math.min(320, size.x - 110));
        e.popup.options.minWidth = Math.min(e.popup.options.minWidth || 50,
                                            e.popup.options.maxWidth);
        e.popup.options.maxHeight = Math.max(120, size.y - 100);
        e.popup.update();
    });
    // Add the markers once the cluster is on the map: before that, MarkerCluster checks each
    // new marker against every queued one (quadratic: seconds at 100,000 sites).
    // A map whose frame has no size yet (a page still laying out) waits for one: MarkerCluster
    // would otherwise file every marker at the wrong zoom and never show the far ones.
    cluster.once('add', function () {
        var map = cluster._map;
        var ready = function () { var s = map.getSize(); return s.x > 0 && s.y > 0; };
        if (ready()) { cluster.addLayers(markers); return; }
        var sized = function () {
            if (ready()) { map.off('resize', sized); cluster.addLayers(markers); }
        };
        map.on('resize', sized);
    });
    cluster.addTo(parent);
    return cluster;
})
