// The keyboard's way through the page (lien/ui/keyboard.py): run by every page with its skip links;
// the first run also watches the page for what Streamlit draws later.
(function (options) {
  var first = !window.lienKeyboard;
  window.lienKeyboard = options;

  // Where a skip link leads: the first heading or line of a keyed container, else the main area.
  function target(name) {
    var box = name === 'main' ? null : document.querySelector('.st-key-' + name);
    if (!box) { return document.getElementById('stMain'); }
    return box.querySelector('h1, h2, h3, h4, h5, h6, [data-testid="stMarkdownContainer"]') || box;
  }

  function go(name) {
    var el = target(name);
    if (!el) { return; }
    if (!el.hasAttribute('tabindex')) {
      el.setAttribute('tabindex', '-1');
      el.setAttribute('data-lien-skip-target', '');
    }
    el.focus({preventScroll: true});
    el.scrollIntoView({block: 'start'});
  }

  // The skip links: first in the document, outside the part of the page Streamlit draws.
  var nav = document.getElementById('lien-skip');
  if (!nav) {
    nav = document.createElement('nav');
    nav.id = 'lien-skip';
    document.body.insertBefore(nav, document.body.firstChild);
    nav.addEventListener('click', function (event) {
      var link = event.target.closest('a');
      if (link) {
        event.preventDefault();
        go(link.getAttribute('data-target'));
      }
    });
  }
  nav.setAttribute('aria-label', options.label);
  nav.replaceChildren.apply(nav, options.links.map(function (skip) {
    var link = document.createElement('a');
    link.href = '#' + skip.target;
    link.setAttribute('data-target', skip.target);
    link.textContent = skip.label;
    return link;
  }));

  // What Streamlit draws that leads nowhere or says nothing, set right whenever it is drawn.
  function settle() {
    var main = document.getElementById('stMain');
    // Streamlit's main area is itself a Tab stop (tabindex 0) with no name: the skip links
    // lead into it instead.
    if (main && main.getAttribute('tabindex') === '0') { main.setAttribute('tabindex', '-1'); }
    document.querySelectorAll('[data-lien-grid]').forEach(function (marker) {
      var box = marker.closest('[data-testid="stElementContainer"]');
      var next = box && box.nextElementSibling;
      var grid = next && next.querySelector('[data-testid="stDataFrame"]');
      if (!grid) { return; }
      var name = marker.getAttribute('data-lien-grid');
      grid.querySelectorAll('canvas[data-testid="data-grid-canvas"], table[role="grid"]')
        .forEach(function (el) {
          if (el.getAttribute('aria-label') !== name) { el.setAttribute('aria-label', name); }
        });
      // The grid's scroll box: a second stop with no name, the grid itself scrolls with arrows.
      grid.querySelectorAll('.dvn-scroller').forEach(function (el) {
        if (el.getAttribute('tabindex') !== '-1') { el.setAttribute('tabindex', '-1'); }
      });
    });
  }

  if (first) {
    var pending = false;
    new MutationObserver(function () {
      if (!pending) {
        pending = true;
        requestAnimationFrame(function () { pending = false; settle(); });
      }
    }).observe(document.body, {childList: true, subtree: true});
    // In a data grid Tab moved from cell to cell (a row of 7 columns: 7 stops); arrows still
    // do, and Tab leaves the grid as it leaves any widget. The focus is on the grid's canvas, or
    // on a cell of the table inside it when a screen reader is on.
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Tab' && event.target.closest &&
          event.target.closest('canvas[data-testid="data-grid-canvas"]')) {
        event.stopPropagation();
      }
    }, true);
  }
  settle();
})
