// Searchable selects: unit, category and person lists are long, so the clerk types part of a
// name and takes the match offered (Tom Select on every select[data-search]).
(function () {
  "use strict";
  window.searchableSelects = function (root, noResultsText) {
    if (!window.TomSelect) return;
    root.querySelectorAll("select[data-search]").forEach((select) => {
      new TomSelect(select, {
        maxOptions: 500,
        allowEmptyOption: true,
        selectOnTab: true,
        // The options are all on the page: filter on every key. Tom Select's default 300 ms
        // throttle refreshes the list after the clerk has already picked and moved on, and
        // that late refresh opens the list again and takes the focus from the next field.
        refreshThrottle: 0,
        plugins: select.multiple ? ["remove_button"] : [],
        render: { no_results: () => `<div class="no-results">${noResultsText || ""}</div>` },
      });
    });
  };
})();
