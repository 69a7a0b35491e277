// Suggestions as the user types: a combobox (WAI-ARIA 1.2, list autocomplete) of the titles and
// numbers the server finds in any accents. A <datalist> showed only options containing the
// typed text as typed, so "thoa thuan" hid every "Thỏa thuận". Without JavaScript the search
// works the same, without suggestions.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  var status = document.getElementById("suggest-status");
  if (!input || !list || !status || !window.fetch) return;
  var timer = null;
  var asked = "";
  var active = -1;

  function options() {
    return list.querySelectorAll("[role=option]");
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function open() {
    if (!options().length) return;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function activate(index) {
    var items = options();
    if (!items.length) return;
    open();
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) { item.setAttribute("aria-selected", String(i === active)); });
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({block: "nearest"});
  }

  function option(item, index) {
    var li = document.createElement("li");
    li.id = "suggestion-" + index;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    if (!item.label) li.lang = "vi";  // the archive's titles, whatever the page's language
    var link = document.createElement("a");
    link.href = item.url;
    link.tabIndex = -1;  // reached with the arrow keys from the box
    // A plan's number, what a place's page is, or the kind of an article or a conference
    // (one reporting the other has near the same title).
    if (item.number || item.label || item.kind) {
      var number = document.createElement("span");
      number.className = "number";
      number.textContent = item.number || item.label || item.kind;
      link.append(number, " ");
    }
    link.append(item.title);
    if (item.date) {
      var date = document.createElement("span");
      date.className = "suggestion-date";
      date.textContent = " · " + item.date;
      link.append(date);
    }
    li.append(link);
    return li;
  }

  function show(suggestions) {
    list.replaceChildren.apply(list, suggestions.map(option));
    active = -1;
    input.removeAttribute("aria-activedescendant");
    // One suggestion is said apart: "1 suggestions" in English.
    status.textContent = suggestions.length === 1 ? input.dataset.suggestOne
      : suggestions.length ? input.dataset.suggestCount.replace("{count}", suggestions.length) : "";
    if (suggestions.length) open(); else close();
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    // Typing again leaves the suggestion chosen with the arrows: Enter then searches the text.
    active = -1;
    input.removeAttribute("aria-activedescendant");
    options().forEach(function (item) { item.setAttribute("aria-selected", "false"); });
    var q = input.value.trim();
    if (q.length < 2) { asked = ""; show([]); return; }
    timer = setTimeout(function () {
      if (q === asked) return;
      asked = q;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) { if (input.value.trim() === q) show(data.suggestions); })
        .catch(function () { asked = ""; });  // asked again at the next keystroke
    }, 200);
  });

  input.addEventListener("keydown", function (event) {
    if (event.isComposing) return;  // an input method's keys (Telex, VNI) are its own
    if (event.key === "ArrowDown") { event.preventDefault(); activate(active + 1); }
    else if (event.key === "ArrowUp") {
      event.preventDefault();
      activate(active < 0 ? -1 : active - 1);  // from none, the last
    }
    else if (event.key === "Escape" && !list.hidden) { event.preventDefault(); close(); }
    else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();  // open the chosen document, not a search for the words
      window.location.assign(options()[active].querySelector("a").href);
    }
  });
  input.addEventListener("blur", close);
  // A press on a suggestion keeps the focus in the box, so its link is followed, not closed.
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
})();
