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
                + T.directions + '</a>';
        }
        return out;
    }
    function popup(r) {
        if (r[5] >= 0) { return render(T.p[r[5]]); }
        var lines = [['', T.v[r[7]]]];
        if (r[3]) { lines.push(['', '<i>' + T.approx + '</i>']); }
        return render({o: T.o[r[4]], s: T.t[r[6]], l: lines,
                       d: T.route.replace('{lat}', r[0]).replace('{lon}', r[1])});
    }
    var markers = new Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
        var r = rows[i], approx = r[3] === 1, colour = T.c[r[2]];
        var m = L.circleMarker([r[0], r[1]], {
            radius: 8, color: colour, weight: approx ? 2 : 1, dashArray: approx ? '3 3' : null,
            fillColor: colour, fillOpacity: approx ? 0.15 : 0.85});
        m.bindTooltip((function (r) { return function () { return T.o[r[4]]; }; })(r));
        m.bindPopup((function (r) { return function () { return popup(r); }; })(r),
                    {maxWidth: 320});
        markers[i] = m;
    }
    var cluster = L.markerClusterGroup(options);
    // Add the markers once the cluster is on the map: before that, MarkerCluster checks each
    // new marker against every queued one (quadratic: seconds at 100,000 sites).
    cluster.once('add', function () { cluster.addLayers(markers); });
    cluster.addTo(parent);
    return cluster;
})
