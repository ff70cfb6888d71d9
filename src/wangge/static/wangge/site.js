// Behaviour for every page, wired from data attributes: the Content-Security-Policy runs no inline
// script and no on...= handler, so templates say what they want and this file does it.
//   data-autosubmit              a select or checkbox that submits its form when changed
//   data-print                   a button that prints the page
//   data-remove-closest="li"     a button that removes its nearest matching ancestor
//   data-reveals="ID"            a checkbox that shows element ID while checked, hides it otherwise
//   data-remask-after="30"       a revealed ID number or phone: after that many seconds (or when its
//                                data-remask-now button is pressed) it is replaced by the masked form
//                                kept in its <template data-masked>, so the plain value leaves the page
//   data-swap-invalid            an htmx form whose 422 answer (the form again, with the reason) is
//                                swapped in like a 200 (htmx leaves 4xx answers out by default)
//   data-check-all="NAME"        a checkbox that ticks or clears every checkbox named NAME on the page
//   data-copy="TEXT"             a button that copies TEXT to the clipboard and says so (data-copied)
//   data-share-url="URL"         a button that opens the phone's share sheet for URL (Web Share API;
//                                data-share-title), shown only where the browser has one
// It also holds the one way scripts put user data (names, places) on screen: as text, never HTML.
(function () {
  var wangge = (window.wangge = window.wangge || {});

  // An element holding `text` as text: Leaflet and ECharts insert an element as it is, whereas a
  // string they would parse as HTML (a building named <img onerror=...> would run).
  wangge.textElement = function (text, tagName, className) {
    var el = document.createElement(tagName || "span");
    el.textContent = text == null ? "" : String(text);
    if (className) el.className = className;
    return el;
  };

  // An ECharts tooltip `formatter` for trigger "axis" that builds the tooltip from DOM nodes: the
  // default one writes HTML with style="" attributes, which the policy refuses, and a formatter
  // returning a string would be parsed as HTML.
  wangge.chartTooltip = function (valueFormatter) {
    var format = valueFormatter || function (v) { return v; };
    return function (params) {
      var items = Array.isArray(params) ? params : [params];
      var box = wangge.textElement("", "div", "chart-tooltip");
      if (items.length) box.appendChild(wangge.textElement(items[0].axisValueLabel || items[0].name, "div", "chart-tooltip-title"));
      items.forEach(function (p) {
        var row = wangge.textElement("", "div", "chart-tooltip-row");
        var marker = wangge.textElement("", "span", "chart-tooltip-marker");
        if (typeof p.color === "string") marker.style.backgroundColor = p.color;
        row.appendChild(marker);
        row.appendChild(wangge.textElement(p.seriesName, "span", "chart-tooltip-name"));
        row.appendChild(wangge.textElement(format(p.value), "strong", "chart-tooltip-value"));
        box.appendChild(row);
      });
      return box;
    };
  };

  // An ECharts chart (SVG) whose words are never under 14 px and grow with the page's text (长辈版,
  // a larger browser text size): ECharts' own default is 12 px, below what GB/T 37668 allows.
  wangge.initChart = function (el) {
    var root = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    var size = Math.max(14, Math.round(root * 0.875));
    var name = "wangge-" + size;
    var label = { fontSize: size };
    var axis = { axisLabel: label, nameTextStyle: label };
    window.echarts.registerTheme(name, {
      textStyle: label, legend: { textStyle: label }, title: { textStyle: { fontSize: size + 2 }, subtextStyle: label },
      categoryAxis: axis, valueAxis: axis, timeAxis: axis, logAxis: axis, label: label,
    });
    return window.echarts.init(el, name, { renderer: "svg" });
  };

  function syncReveal(checkbox) {
    var target = document.getElementById(checkbox.getAttribute("data-reveals"));
    if (target) target.hidden = !checkbox.checked;
  }

  function remask(revealed) {
    if (!revealed || !revealed.isConnected) return;
    var template = revealed.querySelector("template[data-masked]");
    var parent = revealed.parentNode;
    revealed.replaceWith(template ? template.content.cloneNode(true) : document.createTextNode(""));
    if (window.htmx && parent) window.htmx.process(parent);  // wire the picker's hx-post again
  }

  function scheduleRemask(revealed) {
    if (revealed.hasAttribute("data-remask-scheduled")) return;
    revealed.setAttribute("data-remask-scheduled", "");
    var seconds = parseFloat(revealed.getAttribute("data-remask-after"));
    window.setTimeout(function () { remask(revealed); }, (isNaN(seconds) ? 30 : seconds) * 1000);
  }

  function within(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root instanceof Element && root.matches(selector)) found.unshift(root);
    return found;
  }

  function init(root) {
    root = root || document;
    within(root, "[data-reveals]").forEach(syncReveal);
    within(root, "[data-remask-after]").forEach(scheduleRemask);
    if (navigator.share) within(root, "[data-share-url]").forEach(function (el) { el.hidden = false; });
  }

  function copyText(button) {
    var text = button.getAttribute("data-copy");
    var done = function () {
      var said = button.getAttribute("data-copied");
      if (!said) return;
      var before = button.textContent;
      button.textContent = said;
      setTimeout(function () { button.textContent = before; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectCopy(text); done(); });
    } else {
      selectCopy(text);
      done();
    }
  }

  // Without the Clipboard API (plain http on a LAN): copy through a selected, off-screen field.
  function selectCopy(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "offscreen";
    document.body.appendChild(field);
    field.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays visible to copy by hand */ }
    field.remove();
  }

  function share(button) {
    navigator.share({ title: button.getAttribute("data-share-title") || document.title,
                      url: button.getAttribute("data-share-url") }).catch(function () { /* closed */ });
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof Element)) return;
    if (el.hasAttribute("data-reveals")) syncReveal(el);
    if (el.hasAttribute("data-check-all")) {
      document.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.name === el.getAttribute("data-check-all")) box.checked = el.checked;
      });
    }
    if (el.hasAttribute("data-autosubmit") && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit();
      else el.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target.closest("[data-print], [data-remove-closest], [data-remask-now], [data-copy], [data-share-url]") : null;
    if (!el) return;
    if (el.hasAttribute("data-copy")) copyText(el);
    if (el.hasAttribute("data-share-url") && navigator.share) share(el);
    if (el.hasAttribute("data-remask-now")) remask(el.closest("[data-remask-after]"));
    if (el.hasAttribute("data-print")) window.print();
    if (el.hasAttribute("data-remove-closest")) {
      var gone = el.closest(el.getAttribute("data-remove-closest"));
      if (gone) gone.remove();
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    // detail.elt is the swap's target; the element that asked is the request's.
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status === 422 && elt instanceof Element && elt.closest("[data-swap-invalid]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // htmx announces content it swapped in; pages load with it too.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
})();
