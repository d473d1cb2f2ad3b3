/* Small behaviours every page may use, declared in the markup instead of inline handlers (so a strict
 * Content-Security-Policy can forbid inline script):
 *   data-confirm="…"   on a form or a submit button: ask before sending, stay if the user says no
 *   data-autosubmit    on a select: send its form when the choice changes (the language switcher)
 *   data-select-all    on a read-only input: select its whole text when clicked (an address to copy)
 *   data-history-back  on a link: go back to the page before (a form's "cancel" when it has no address)
 */
document.addEventListener("submit", (event) => {
  const button = event.submitter && event.submitter.closest("[data-confirm]");
  const asking = button || event.target.closest("form[data-confirm]");
  if (asking && !window.confirm(asking.dataset.confirm)) event.preventDefault();
});

document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.requestSubmit();
});

document.addEventListener("click", (event) => {
  const input = event.target.closest("input[data-select-all]");
  if (input) input.select();
  if (event.target.closest("a[data-history-back]")) {
    event.preventDefault();
    history.back();
  }
});
