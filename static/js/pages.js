// Behaviour shared by the pages, driven by data-* attributes (the Content-Security-Policy
// allows no inline script, style or on* handler). Loaded last on every page.
(function () {
  "use strict";

  // The cursor where typing starts; a Tom Select control takes it through its search box.
  function focusField(field) {
    const wrapper = field.nextElementSibling;
    if (wrapper && wrapper.classList.contains("ts-wrapper")) {
      wrapper.querySelector("input")?.focus();
    } else {
      field.focus();
    }
  }

  // <select data-autosubmit>: choosing sends its form (language switch, calendar filters).
  document.addEventListener("change", (event) => {
    const select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });

  // <button data-print>: the browser's print dialog.
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });

  // <form data-confirm="question">: sent only once the user confirms.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  // <form data-submit-once="#button">: a second click must not send the form twice.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-submit-once]");
    if (!form || event.defaultPrevented) return;
    const button = document.querySelector(form.dataset.submitOnce);
    if (button) setTimeout(() => { button.disabled = true; }, 0);
  });

  // [data-focus-form]: the cursor on the first field with an error, else on [data-first]
  // (with data-focus-form="error", only on an error). "scroll" brings the form into view.
  document.querySelectorAll("[data-focus-form]").forEach((container) => {
    const error = container.querySelector(".invalid-feedback");
    const mode = container.dataset.focusForm;
    const field = error
      ? error.parentElement.querySelector("input:not([type=hidden]), select, textarea")
      : mode === "error"
        ? null
        : container.querySelector("[data-first]");
    if (!field) return;
    focusField(field);
    if (container.dataset.focusScroll !== undefined) container.scrollIntoView({ block: "nearest" });
  });

  // [data-small-controls]: the filter forms' fields styled like the other forms.
  document.querySelectorAll("[data-small-controls]").forEach((form) => {
    form.querySelectorAll("input:not([type=checkbox]), select").forEach((el) => {
      const select = el.tagName === "SELECT";
      el.classList.add(select ? "form-select" : "form-control", select ? "form-select-sm" : "form-control-sm");
    });
  });

  // <form data-kind-switch>: the schedule form shows the weekday boxes or the days of the
  // month for the kind chosen ([data-kind-part]).
  document.querySelectorAll("form[data-kind-switch]").forEach((form) => {
    function show() {
      const checked = form.querySelector("input[name=kind]:checked");
      const kind = checked ? checked.value : "weekly";
      form.querySelectorAll("[data-kind-part]").forEach((part) => {
        part.hidden = part.dataset.kindPart !== kind;
      });
    }
    form.querySelectorAll("input[name=kind]").forEach((radio) => radio.addEventListener("change", show));
    show();
  });

  // <form data-record-form>: the reception record shows the instruction when the petitioner
  // came, the assignment when not resolved on the spot. The server checks the same either way.
  document.querySelectorAll("form[data-record-form]").forEach((form) => {
    const resolved = form.querySelector("[name=resolved_on_spot]");
    function update() {
      const came = (form.querySelector("[name=attended]:checked") || {}).value !== "no";
      form.querySelectorAll("[data-when=came]").forEach((el) => { el.hidden = !came; });
      form.querySelectorAll("[data-when=not-resolved]").forEach((el) => {
        el.hidden = !came || (resolved && resolved.checked);
      });
    }
    form.addEventListener("change", update);
    update();
  });
})();
