// Case pages: searchable selects, the action forms on the detail page, the list filters.
(function () {
  "use strict";
  const configElement = document.getElementById("cases-config");
  const config = configElement ? JSON.parse(configElement.textContent) : {};

  // The filter form of the case list, styled like the other forms (before Tom Select
  // copies the classes onto its own control).
  document.querySelectorAll("#case-filters input:not([type=checkbox]), #case-filters select").forEach((el) => {
    el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control", el.tagName === "SELECT" ? "form-select-sm" : "form-control-sm");
  });

  searchableSelects(document, config.noResults);

  // Put the cursor where typing starts: the first field with an error, else the first one.
  function focusForm(container) {
    const target =
      container.querySelector(".invalid-feedback")?.parentElement.querySelector("input, select, textarea") ||
      container.querySelector("[data-first]");
    if (!target) return;
    const wrapper = target.nextElementSibling;
    if (wrapper && wrapper.classList.contains("ts-wrapper")) {
      wrapper.querySelector("input")?.focus();
    } else {
      target.focus();
    }
  }

  const actions = document.getElementById("actions");
  if (actions) {
    // Unless the clerk has already clicked into the form while it was opening.
    actions.addEventListener("shown.bs.collapse", (event) => {
      if (!event.target.contains(document.activeElement)) focusForm(event.target);
    });
    // A card's form arrives (htmx) when the card is first opened: its pickers, then the
    // cursor, if the card has finished opening (else "shown" above puts it there).
    actions.addEventListener("htmx:afterSwap", (event) => {
      const body = event.detail.target;
      searchableSelects(body, config.noResults);
      const card = body.closest(".accordion-collapse");
      if (card && card.classList.contains("show") && !card.contains(document.activeElement)) {
        focusForm(card);
      }
    });
    const opened = actions.querySelector(".accordion-collapse.show");
    if (opened) {
      focusForm(opened);
      opened.closest(".accordion-item").scrollIntoView({ block: "nearest" });
    }
    // A second click on a submit button must not send the form twice.
    actions.addEventListener("submit", (event) => {
      const button = event.target.querySelector("[type=submit]");
      if (button) setTimeout(() => { button.disabled = true; }, 0);
    });
  }

})();
