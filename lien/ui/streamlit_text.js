// Streamlit's own English texts in the visitor's language (lien/ui/streamlit_text.py): run by
// every page with that language's table; the first run watches the page, later runs (another
// page, another language) only change the table and say it again.
(function (table) {
  var ATTRIBUTES = ['aria-label', 'title', 'placeholder'];
  // Lien's own words are never rewritten: Markdown (labels, help, captions), its own HTML, and
  // a form control's name (its label). Streamlit writes some of its own words as Markdown too:
  // the uploader's button, a tooltip (only a whole known text is rewritten there).
  var LIEN = '[data-testid="stMarkdownContainer"], .stHtml, #lien-skip';
  var STREAMLIT = '[data-testid="stFileUploaderDropzone"] button, [data-testid="stTooltipContent"]';
  var LABELLED = '[data-testid="stElementContainer"] :is(input:not([type="file"]), textarea)';
  function lien(el) { return !!el.closest(LIEN) && !el.closest(STREAMLIT); }
  var own = Object.prototype.hasOwnProperty;
  var state = window.lienText;
  var first = !state;
  if (first) {
    // What each rewritten node or attribute said in English, to say it again in another language.
    state = window.lienText = {texts: new Set(), attributes: new Set()};
  }
  state.exact = table.exact;
  state.patterns = table.patterns.map(function (p) { return [new RegExp(p[0]), p[1]]; });

  function local(english) {
    var text = english.trim();
    if (!text) { return null; }
    if (own.call(state.exact, text)) { return english.replace(text, state.exact[text]); }
    for (var i = 0; i < state.patterns.length; i++) {
      var match = state.patterns[i][0].exec(text);
      if (match) { return english.replace(text, state.patterns[i][1].replace('{label}', match[1])); }
    }
    return null;
  }

  function fixText(node) {
    var english = node.lienEnglish !== undefined ? node.lienEnglish : node.nodeValue;
    var text = local(english);
    if (text === null || !node.parentElement || lien(node.parentElement)) { return; }
    node.lienEnglish = english;
    node.lienShown = text;
    state.texts.add(node);
    if (node.nodeValue !== text) { node.nodeValue = text; }
  }

  function fixAttribute(el, name) {
    var saved = el.lienEnglish && el.lienEnglish[name];
    var english = saved !== undefined ? saved : el.getAttribute(name);
    if (english === null) { return; }
    var text = local(english);
    if (text === null || lien(el) || (name === 'aria-label' && el.matches(LABELLED))) { return; }
    el.lienEnglish = el.lienEnglish || {};
    el.lienShown = el.lienShown || {};
    el.lienEnglish[name] = english;
    el.lienShown[name] = text;
    state.attributes.add(el);
    if (el.getAttribute(name) !== text) { el.setAttribute(name, text); }
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
          // Unless it was this script's own change, Streamlit said something new: the English
          // to translate from now on.
          var node = record.target;
          if (node.nodeValue !== node.lienShown) {
            delete node.lienEnglish;
            fixText(node);
          }
        } else {
          var el = record.target, name = record.attributeName;
          if (el.getAttribute(name) !== (el.lienShown && el.lienShown[name])) {
            if (el.lienEnglish) { delete el.lienEnglish[name]; }
            fixAttribute(el, name);
          }
        }
      });
    }).observe(document.body, {
      childList: true, subtree: true, characterData: true,
      attributes: true, attributeFilter: ATTRIBUTES
    });
  } else {
    // Another language: what was rewritten is said again from its English.
    state.texts.forEach(function (node) { if (node.isConnected) { fixText(node); } else { state.texts.delete(node); } });
    state.attributes.forEach(function (el) {
      if (!el.isConnected) { state.attributes.delete(el); return; }
      Object.keys(el.lienEnglish || {}).forEach(function (name) { fixAttribute(el, name); });
    });
  }
  fix(document.body);
})
