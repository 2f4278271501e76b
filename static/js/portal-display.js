// Large text and high contrast on or off without leaving the page: what the petitioner has
// typed stays where it is. The server keeps the choice in a cookie, as when the form is
// posted without JavaScript (a reload of the page it came from).
(function () {
  "use strict";
  const form = document.querySelector("form.portal-display");
  if (!form || !window.fetch) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = new FormData(form);
    fetch(form.action, { method: "POST", body, credentials: "same-origin", redirect: "manual" })
      .then(() => {
        const large = form.elements.large_text.value === "1";
        document.body.classList.toggle("portal-large", large);
        form.elements.large_text.value = large ? "0" : "1";
        const button = form.querySelector("button");
        button.textContent = large ? button.dataset.labelOff : button.dataset.labelOn;
      })
      .catch(() => form.submit());
  });
})();
