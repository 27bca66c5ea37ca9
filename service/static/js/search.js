// The search form: choosing a filter searches again at once; empty fields are not sent, so the
// address stays short and shareable (the service ignores empty fields anyway).
(function () {
  var form = document.getElementById("search-form");
  if (!form) return;
  form.querySelectorAll("select").forEach(function (select) {
    select.addEventListener("change", function () { form.requestSubmit(); });
  });
  form.addEventListener("submit", function () {
    form.querySelectorAll("input, select").forEach(function (field) {
      if (!field.value) field.disabled = true;
    });
    setTimeout(function () {
      form.querySelectorAll("input, select").forEach(function (field) { field.disabled = false; });
    }, 0);
  });
})();
