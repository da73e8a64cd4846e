// Behaviour of the pages, kept in this file: the Content-Security-Policy runs no inline script.
// Listening on the document keeps it working when Turbo swaps the page body.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-lk3-submit-on-change")) {
    field.form.submit();
  }
});
