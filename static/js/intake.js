// Intake page behaviour: petitioner rows, live ID info, repeat panel, channel-dependent fields.
(function () {
  "use strict";
  const form = document.getElementById("intake-form");
  if (!form) return;
  const config = JSON.parse(document.getElementById("intake-config").textContent);
  const rows = document.getElementById("petitioners");
  const totalForms = form.querySelector("#id_petitioners-TOTAL_FORMS");
  const caseInput = form.querySelector("#id_case");
  const banner = document.getElementById("attach-banner");

  function debounce(fn, ms) {
    let timer;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  const checkRepeats = debounce(() => htmx.trigger("#repeat-panel", "repeat-check"), 150);

  function visibleRows() {
    return rows.querySelectorAll("[data-row]:not(.is-deleted)");
  }

  function addRow() {
    const index = parseInt(totalForms.value, 10);
    const html = document.getElementById("petitioner-template").innerHTML.replace(/__prefix__/g, index);
    rows.insertAdjacentHTML("beforeend", html);
    totalForms.value = index + 1;
    const row = rows.lastElementChild;
    const role = row.querySelector("select[name$='-role']");
    if (role && visibleRows().length > 1) role.value = "member";
    htmx.process(row);
    row.querySelector("input[name$='-name']").focus();
  }

  function removeRow(row) {
    if (visibleRows().length <= 1) return;
    row.querySelector("input[name$='-DELETE']").checked = true;
    row.classList.add("is-deleted");
    checkRepeats();
  }

  // One timer per ID field, so typing in the next row does not cancel this row's lookup.
  const idInfoTimers = new WeakMap();
  function showIdInfo(input) {
    clearTimeout(idInfoTimers.get(input));
    idInfoTimers.set(input, setTimeout(() => {
      const target = input.closest("[data-row]").querySelector(".id-info");
      if (!input.value.trim()) { target.innerHTML = ""; return; }
      // The input is the source, so that two rows' lookups never cancel each other.
      htmx.ajax("POST", config.idInfoUrl, {
        source: input, target: target, swap: "innerHTML", values: { id_number: input.value },
      });
    }, 250));
  }

  function toggleByChannel() {
    const channel = form.querySelector("#id_channel").value;
    form.querySelectorAll("[data-channels]").forEach((el) => {
      el.classList.toggle("d-none", !el.dataset.channels.split(" ").includes(channel));
    });
  }

  function toggleByKind() {
    const kind = form.querySelector("#id_matter_kind").value;
    form.querySelectorAll("[data-kinds]").forEach((el) => {
      el.classList.toggle("d-none", !el.dataset.kinds.split(" ").includes(kind));
    });
  }

  function updateGroupBadge() {
    const count = parseInt(form.querySelector("#id_person_count").value, 10) || 0;
    const threshold = parseInt(form.dataset.groupThreshold, 10) || 5;
    document.getElementById("group-badge").classList.toggle("d-none", count < threshold);
  }

  function showAttachBanner() {
    if (!caseInput.value) { banner.classList.add("d-none"); banner.innerHTML = ""; return; }
    banner.textContent = config.attachText.replace("%s", caseInput.value) + " ";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn-sm btn-link";
    cancel.textContent = config.cancelText;
    cancel.addEventListener("click", () => { caseInput.value = ""; showAttachBanner(); checkRepeats(); });
    banner.appendChild(cancel);
    banner.classList.remove("d-none");
  }

  searchableSelects(form, config.noResults);

  document.getElementById("add-petitioner").addEventListener("click", addRow);
  rows.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-row]");
    if (button) removeRow(button.closest("[data-row]"));
  });
  rows.addEventListener("input", (event) => {
    if (event.target.name && event.target.name.endsWith("-id_number")) showIdInfo(event.target);
    if (/-(id_number|phone|name)$/.test(event.target.name || "")) checkRepeats();
  });
  form.querySelector("#id_location_unit").addEventListener("change", checkRepeats);
  form.querySelector("#id_channel").addEventListener("change", toggleByChannel);
  form.querySelector("#id_matter_kind").addEventListener("change", toggleByKind);
  form.querySelector("#id_person_count").addEventListener("input", updateGroupBadge);
  document.getElementById("repeat-panel").addEventListener("click", (event) => {
    const button = event.target.closest("[data-attach-case]");
    if (!button) return;
    caseInput.value = button.dataset.attachCase;
    showAttachBanner();
    checkRepeats();
  });

  // The time of receipt is now by default: out of the tab order until the clerk asks to change
  // it (the button, Alt+T), or when it was refused.
  const receivedAt = form.querySelector("#id_received_at");
  function editReceivedAt(focus) {
    receivedAt.removeAttribute("tabindex");
    if (focus) receivedAt.focus();
  }
  document.getElementById("change-received-at").addEventListener("click", () => editReceivedAt(true));

  function hasFieldError(input) {
    return !!form.querySelector(`[data-field-error="${input.name}"]`);
  }

  // A refused ID number already shows its error under the field: the live info would repeat
  // it. Typing again replaces the stale error by the live info.
  rows.querySelectorAll("input[name$='-id_number']").forEach((input) => {
    if (input.value && !hasFieldError(input)) showIdInfo(input);
  });
  rows.addEventListener("input", (event) => {
    if (!(event.target.name || "").endsWith("-id_number")) return;
    const stale = form.querySelector(`[data-field-error="${event.target.name}"]`);
    if (stale) stale.remove();
  });

  // The control to focus for an error: Tom Select's input for a searchable select.
  function focusControl(control) {
    if (control.tomselect) { control.tomselect.focus(); return; }
    control.focus();
  }

  // Focus: the first field with an error after a refused submit, else the first field.
  function focusOnLoad() {
    if (hasFieldError(receivedAt)) editReceivedAt(false);
    const firstError = form.querySelector("[data-field-error]");
    if (firstError) {
      const name = firstError.dataset.fieldError;
      const control = name === "petitioners"
        ? rows.querySelector("[data-row]:not(.is-deleted) input[name$='-name']")
        : form.querySelector(`[name="${name}"]:not([type=hidden])`);
      if (control) { focusControl(control); return; }
      // An error without a control of its own (the case to attach to): the message itself.
      firstError.tabIndex = -1;
      firstError.focus();
      return;
    }
    const nonField = form.querySelector("[data-non-field-errors]");
    if (nonField) { nonField.focus(); return; }
    const first = form.querySelector("#id_channel");
    if (first) focusControl(first);
  }
  toggleByChannel();
  toggleByKind();
  updateGroupBadge();
  showAttachBanner();
  focusOnLoad();
})();
