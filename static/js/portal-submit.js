// The online petition form: the place and accused-body boxes search the public unit list as
// the petitioner types (Tom Select). Without JavaScript they stay text boxes for a name or a
// code, which the server resolves.
(function () {
  "use strict";
  const form = document.getElementById("submit-form");
  if (!form || !window.TomSelect) return;
  const url = form.dataset.unitSearchUrl;
  const noResults = form.dataset.noResults || "";

  function escape(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  form.querySelectorAll("input[data-unit-search]").forEach((input) => {
    new TomSelect(input, {
      maxItems: 1,
      create: false,
      valueField: "code",
      labelField: "name",
      searchField: ["name", "path", "code"],
      // Search after a short pause in typing; the server throttles the address.
      loadThrottle: 300,
      shouldLoad: (query) => query.trim().length > 0,
      load: (query, callback) => {
        fetch(`${url}?q=${encodeURIComponent(query)}`, { credentials: "omit" })
          .then((response) => (response.ok ? response.json() : []))
          .then(callback)
          .catch(() => callback());
      },
      render: {
        option: (unit) =>
          `<div class="portal-option"><strong>${escape(unit.name)}</strong><br><small>${escape(unit.path)}</small></div>`,
        item: (unit) => `<div>${escape(unit.name)}</div>`,
        no_results: () => `<div class="no-results">${escape(noResults)}</div>`,
      },
    });
  });
})();
