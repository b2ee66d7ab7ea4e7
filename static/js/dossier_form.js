// Progressive enhancement of the dossier form and its grids; without JavaScript the
// checkbox lists, the "Ajouter une ligne" button and the server's totals do the same.
(() => {
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  // Pickers: a search box above a checkbox list filters it as one types.
  const pickers = () => {
    document.querySelectorAll("[data-picker]").forEach((picker) => {
      const input = picker.querySelector("[data-picker-filter]");
      const items = Array.from(picker.querySelectorAll("[data-picker-list] input[type=checkbox]"))
        .map((box) => box.closest("div") || box.parentElement);
      if (!input || !items.length) return;
      input.hidden = false;
      input.addEventListener("input", () => {
        const wanted = fold(input.value.trim());
        items.forEach((item) => {
          const box = item.querySelector("input");
          item.hidden = Boolean(wanted) && !box.checked && !fold(item.textContent).includes(wanted);
        });
      });
      // Enter in the search box must not submit the whole dossier.
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") event.preventDefault();
      });
    });
  };

  const euros = (value) =>
    new Intl.NumberFormat(document.documentElement.lang || "fr-BE", {
      style: "currency",
      currency: "EUR",
    }).format(value);

  // Budget: the total and its gap to the requested amount, as one types.
  const budget = (form) => {
    const panel = form.querySelector("[data-budget]");
    if (!panel) return () => {};
    const requested = parseFloat(panel.dataset.requested);
    const totalOut = panel.querySelector("[data-budget-total]");
    const gapOut = panel.querySelector("[data-budget-gap]");
    const update = () => {
      let cents = 0;
      form.querySelectorAll("[data-grid-row]").forEach((row) => {
        if (row.hidden) return;
        const amount = row.querySelector("[data-budget-amount]");
        const value = amount ? parseFloat(amount.value.replace(",", ".")) : NaN;
        if (!Number.isNaN(value)) cents += Math.round(value * 100);
      });
      const total = cents / 100;
      totalOut.textContent = euros(total);
      const short = !Number.isNaN(requested) && total < requested;
      gapOut.classList.toggle("warn", short);
      gapOut.textContent = short
        ? panel.dataset.gapText
            .replace("%(total)s", euros(total))
            .replace("%(gap)s", euros(requested - total))
            .replace("%(requested)s", euros(requested))
        : "";
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    return update;
  };

  // Grids: rows added (a clone of the <template> row) and removed in place.
  const grids = () => {
    document.querySelectorAll("form[data-grid]").forEach((form) => {
      const prefix = form.dataset.grid;
      const total = form.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
      const rows = form.querySelector("[data-grid-rows]");
      const template = form.querySelector("template[data-grid-template]");
      const add = form.querySelector("[data-grid-add]");
      const refresh = budget(form);
      if (!total || !rows || !template || !add) return;
      const removable = (row) => {
        const remove = row.querySelector(`input[name$="-DELETE"]`);
        if (!remove) return;
        // A new row simply disappears; a saved one is marked for deletion and hidden.
        const wrapper = remove.closest("div") || remove.parentElement;
        wrapper.hidden = true;
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.textContent = add.dataset.removeLabel || "×";
        button.addEventListener("click", () => {
          if (row.hasAttribute("data-grid-new")) row.remove();
          else {
            remove.checked = true;
            row.hidden = true;
          }
          refresh();
        });
        row.append(button);
      };
      rows.querySelectorAll("[data-grid-row]").forEach(removable);
      add.addEventListener("click", (event) => {
        event.preventDefault();
        const index = parseInt(total.value, 10);
        const html = template.innerHTML.replaceAll("__prefix__", String(index));
        const holder = document.createElement("div");
        holder.innerHTML = html.trim();
        const row = holder.firstElementChild;
        rows.append(row);
        total.value = String(index + 1);
        removable(row);
        const first = row.querySelector("input:not([type=hidden]), textarea");
        if (first) first.focus();
        refresh();
      });
      refresh();
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    pickers();
    grids();
  });
})();
