// Searchable selects (Tom Select). Short lists (categories, people, statuses) are all on the
// page: select[data-search] filters them on every key. Units are too many for that (a
// province has some ten thousand): select[data-unit-search] holds only the chosen unit(s)
// and asks the server, at the URL in the attribute, for the units of the field's scope that
// match what the clerk types, each shown with the units above it to tell same names apart.
(function () {
  "use strict";

  function unitPicker(select, noResultsText) {
    const url = select.dataset.unitSearch;
    const joiner = url.includes("?") ? "&" : "?";
    let closings = 0; // times the list has closed, to tell an answer come too late
    const picker = new TomSelect(select, {
      valueField: select.dataset.valueField || "id",
      labelField: "label",
      searchField: ["label"],
      maxOptions: 50,
      // No "---------" item beside what is typed: an empty picker is empty, and a chosen
      // unit is taken away with Backspace or the clear button.
      allowEmptyOption: false,
      selectOnTab: true,
      // The first units of the scope on opening (a case's few units below its owner are then
      // one click away); then a search a moment after each key.
      preload: "focus",
      loadThrottle: 120,
      refreshThrottle: 0,
      shouldLoad: () => true,
      load: (query, callback) => {
        const closingsBefore = closings;
        // The list closed (a unit taken, Escape, Tab) since this search was asked for or
        // since its text was typed: its answer adds the units but leaves the list closed;
        // Tom Select would open it again under the clerk, who has already moved on.
        const answer = (units) => {
          const late =
            !picker.isOpen && (closings !== closingsBefore || picker.inputValue() !== query);
          if (!late) {
            callback(units);
            return;
          }
          // Locked, the picker cannot open (nor take the focus back) while it takes them in.
          picker.lock();
          callback(units);
          picker.unlock();
        };
        fetch(`${url}${joiner}q=${encodeURIComponent(query)}`, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then((response) => (response.ok ? response.json() : []))
          .then(answer)
          .catch(() => answer());
      },
      plugins: select.multiple ? ["remove_button"] : select.required ? [] : ["clear_button"],
      render: {
        option: (unit, escape) =>
          `<div>${escape(unit.label)}${unit.above ? ` <small class="text-secondary">· ${escape(unit.above)}</small>` : ""}</div>`,
        item: (unit, escape) => `<div>${escape(unit.label)}</div>`,
        no_results: () => `<div class="no-results">${noResultsText || ""}</div>`,
      },
    });
    picker.on("dropdown_close", () => {
      closings += 1;
    });
    // Tab takes the match highlighted once the clerk has typed; through an untouched picker
    // (its list opened by the focus) it moves on at once, the unit unchanged.
    const onKeyDown = picker.onKeyDown.bind(picker);
    picker.onKeyDown = (event) => {
      if (event.key === "Tab" && !picker.inputValue()) {
        picker.close();
        return;
      }
      onKeyDown(event);
    };
    return picker;
  }

  window.searchableSelects = function (root, noResultsText) {
    if (!window.TomSelect) return;
    root.querySelectorAll("select[data-unit-search]").forEach((select) => {
      if (!select.tomselect) unitPicker(select, noResultsText);
    });
    root.querySelectorAll("select[data-search]").forEach((select) => {
      if (select.tomselect) return;
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
