// The search form and the policy list's filters: choosing a filter asks again at once; empty fields
// are not sent, so the address stays short and shareable (the service ignores empty fields anyway).
document.querySelectorAll("#search-form, form.auto-submit").forEach(function (form) {
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
});
