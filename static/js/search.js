// The search box of the staff navigation: the key "/" puts the cursor in it from anywhere on
// the page, except while typing in a field.
(function () {
  "use strict";

  function typing(target) {
    return (
      target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
    );
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    const box = document.getElementById("nav-search-q");
    if (!box) return;
    event.preventDefault();
    // On narrow screens the box sits in the collapsed menu: show it first.
    const menu = box.closest(".collapse");
    if (menu && !menu.classList.contains("show") && window.bootstrap) {
      window.bootstrap.Collapse.getOrCreateInstance(menu).show();
    }
    box.focus();
    box.select();
  });
})();
