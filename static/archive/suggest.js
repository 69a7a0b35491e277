// Title and number suggestions as the user types. Without JavaScript the search works the same.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {suggestions: []}; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.suggestions.map(function (item) {
            var option = document.createElement("option");
            option.value = item.number || item.title;
            option.label = item.number ? item.number + " – " + item.title : item.title;
            return option;
          }));
        })
        .catch(function () {});
    }, 200);
  });
})();
