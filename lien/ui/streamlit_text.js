// Streamlit's own English texts in the visitor's language (lien/ui/streamlit_text.py): run by
// every page with that language's table; the first run watches the page, later runs (another
// page, another language) change the table and say again what was rewritten.
(function (table) {
  var ATTRIBUTES = ['aria-label', 'title', 'placeholder'];
  // Lien's own words are never rewritten: Markdown (labels, help, captions), its own HTML, and
  // a form control's name (its label). Streamlit writes some of its own words as Markdown too:
  // the uploader's button, a tooltip (only a whole known text is rewritten there).
  var LIEN = '[data-testid="stMarkdownContainer"], .stHtml, #lien-skip';
  var STREAMLIT = '[data-testid="stFileUploaderDropzone"] button, [data-testid="stTooltipContent"]';
  var LABELLED = '[data-testid="stElementContainer"] :is(input:not([type="file"]), textarea)';
  var own = Object.prototype.hasOwnProperty;
  var state = window.lienText;
  var first = !state;
  if (first) {
    // What was rewritten: each text node, and each element with the attributes rewritten.
    state = window.lienText = {texts: new Set(), elements: new Set()};
  }
  state.exact = table.exact;
  state.patterns = table.patterns.map(function (p) { return [new RegExp(p[0]), p[1]]; });
  state.counted = table.counted;
  state.countedPattern = new RegExp(table.counted.pattern);

  // react-aria's "21 options available." in the language's plural form for 21 (see counted()).
  function count(text) {
    var match = state.countedPattern.exec(text);
    if (!match) { return null; }
    var n = parseInt(match[1], 10);
    var c = state.counted;
    var form = n < 100 ? c.small[n] : c.large[n % 100];
    return c.forms[form].replace('{label}', match[1]);
  }

  function lien(el) { return !!el.closest(LIEN) && !el.closest(STREAMLIT); }

  function local(english) {
    var text = english.trim();
    if (!text) { return null; }
    if (own.call(state.exact, text)) { return english.replace(text, state.exact[text]); }
    var said = count(text);
    if (said !== null) { return english.replace(text, said); }
    for (var i = 0; i < state.patterns.length; i++) {
      var match = state.patterns[i][0].exec(text);
      if (match) {
        return english.replace(text, state.patterns[i][1].replace('{label}', match[1]));
      }
    }
    return null;
  }

  // What a value says in English: what this script rewrote, if it still shows what this script
  // wrote; else what Streamlit has just written (a new label, say).
  function english(current, saved) {
    return saved && current === saved.shown ? saved.english : current;
  }

  function fixText(node) {
    var source = english(node.nodeValue, node.lien);
    var text = local(source);
    if (text === null || !node.parentElement || lien(node.parentElement)) { return; }
    node.lien = {english: source, shown: text};
    state.texts.add(node);
    if (node.nodeValue !== text) { node.nodeValue = text; }
  }

  function fixAttribute(el, name) {
    var current = el.getAttribute(name);
    if (current === null) { return; }
    var source = english(current, el.lien && el.lien[name]);
    var text = local(source);
    if (text === null || lien(el) || (name === 'aria-label' && el.matches(LABELLED))) { return; }
    el.lien = el.lien || {};
    el.lien[name] = {english: source, shown: text};
    state.elements.add(el);
    if (current !== text) { el.setAttribute(name, text); }
  }

  function fix(root) {
    if (root.nodeType === Node.TEXT_NODE) { fixText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) { return; }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) { fixText(node); }
    ATTRIBUTES.forEach(function (name) {
      if (root.hasAttribute(name)) { fixAttribute(root, name); }
      root.querySelectorAll('[' + name + ']').forEach(function (el) { fixAttribute(el, name); });
    });
  }

  if (first) {
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        if (record.type === 'childList') {
          record.addedNodes.forEach(fix);
        } else if (record.type === 'characterData') {
          fixText(record.target);
        } else {
          fixAttribute(record.target, record.attributeName);
        }
      });
    }).observe(document.body, {
      childList: true, subtree: true, characterData: true,
      attributes: true, attributeFilter: ATTRIBUTES
    });
  } else {
    // Another language: what was rewritten is said again, in the new one.
    state.texts.forEach(function (node) {
      if (node.isConnected) { fixText(node); } else { state.texts.delete(node); }
    });
    state.elements.forEach(function (el) {
      if (!el.isConnected) { state.elements.delete(el); return; }
      Object.keys(el.lien).forEach(function (name) { fixAttribute(el, name); });
    });
  }
  fix(document.body);
})
