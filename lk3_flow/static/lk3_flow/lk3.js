// Behaviour of the pages, kept in this file: the Content-Security-Policy runs no inline script.
// Listening on the document keeps it working when Turbo swaps the page body.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-lk3-submit-on-change")) {
    field.form.submit();
  }
});

// Date fields (`data-lk3-picker`, set by lk3_flow.fields.DatePickerInput) get flatpickr's
// calendar in the page's language, weeks starting on Monday as in Indonesian calendars, and
// for a time 24-hour hours and minutes. It writes the day-first text the server reads, and
// typing stays possible. The calendar opens on a click or a tap, not when the keyboard moves
// through the form, where it would cover the next fields. It is made when the field is first
// focused: viewflow's form fields draw their <input> themselves, after the page has loaded.
const LK3_PICKER_FORMATS = { date: "d/m/Y", datetime: "d/m/Y H:i" };

function lk3PickerInput(target) {
  const host = target.closest ? target.closest("[data-lk3-picker]") : null;
  if (!host) {
    return null;
  }
  const input = host instanceof HTMLInputElement ? host : host.querySelector("input");
  return input ? { host, input } : null;
}

function lk3Picker(found) {
  if (found.input._flatpickr || typeof window.flatpickr !== "function") {
    return found.input._flatpickr;
  }
  const withTime = found.host.getAttribute("data-lk3-picker") === "datetime";
  const language = (document.documentElement.lang || "").slice(0, 2);
  return window.flatpickr(found.input, {
    locale: { ...(window.flatpickr.l10ns[language] || {}), firstDayOfWeek: 1 },
    dateFormat: withTime ? LK3_PICKER_FORMATS.datetime : LK3_PICKER_FORMATS.date,
    enableTime: withTime,
    time_24hr: true,
    allowInput: true,
    clickOpens: false,
    // The same calendar on phones: a phone's own picker may start the week on Sunday.
    disableMobile: true,
    animate: false,
    // The field's component keeps the value it last saw typed, and Material's outline judged
    // the field empty (invalid, in red) when the calendar took the focus: tell both.
    onValueUpdate: (_dates, text, instance) => {
      instance.input.dispatchEvent(new Event("input", { bubbles: true }));
      const outline = instance.input.closest(".mdc-text-field");
      if (outline && outline.textfield) {
        outline.textfield.value = text;
      }
    },
  });
}

document.addEventListener("focusin", (event) => {
  const found = lk3PickerInput(event.target);
  if (found) {
    lk3Picker(found);
  }
});

document.addEventListener("click", (event) => {
  const found = lk3PickerInput(event.target);
  const picker = found && lk3Picker(found);
  if (picker && !picker.isOpen) {
    picker.open();
  }
});

// A village list (`data-lk3-within`, set by the client form) offers only the villages of the
// district chosen beside it: its option groups are named after the districts. Choosing another
// district clears a village outside it; with no district chosen, every village is offered.
function lk3DistrictOf(villages) {
  const within = villages.getAttribute("data-lk3-within");
  return villages.form
    ? [...villages.form.elements].find((field) => field.name && field.name.endsWith(within))
    : null;
}

function lk3NarrowVillages(villages) {
  const district = lk3DistrictOf(villages);
  if (!(district instanceof HTMLSelectElement)) {
    return;
  }
  const chosen = district.value ? district.options[district.selectedIndex].text : null;
  for (const group of villages.querySelectorAll("optgroup")) {
    const offered = chosen === null || group.label === chosen;
    group.hidden = !offered;
    group.disabled = !offered;
  }
  const village = villages.options[villages.selectedIndex];
  if (village && village.parentElement.disabled) {
    villages.value = "";
  }
}

document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.form) {
    for (const villages of field.form.querySelectorAll("select[data-lk3-within]")) {
      if (lk3DistrictOf(villages) === field) {
        lk3NarrowVillages(villages);
      }
    }
  }
});

document.addEventListener("focusin", (event) => {
  if (event.target instanceof HTMLSelectElement && event.target.hasAttribute("data-lk3-within")) {
    lk3NarrowVillages(event.target);
  }
});
