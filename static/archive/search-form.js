// The search form sends only the fields that say something: an address staff paste into mail
// and reports read "?q=di+cu", not "?q=di+cu&date_from=&date_to=&sort=". Without JavaScript the
// empty fields are sent, and the search reads them as no condition.
(function () {
  "use strict";
  var form = document.querySelector("form.search-form");
  if (!form) return;
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && !field.disabled && field.value === "") {
        field.disabled = true;
        field.dataset.emptied = "1";
      }
    });
  });
  // Back to this page from the results (the browser's page cache): the fields work again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.querySelectorAll("[data-emptied]"), function (field) {
      field.disabled = false;
      delete field.dataset.emptied;
    });
  });
})();
