// Progressive enhancement of the agreement form. Without JS every field stays visible.
document.addEventListener("DOMContentLoaded", () => {
  // The list of shared data only shows when the data-sharing clause is ticked.
  const clause = document.querySelector("input[name='shares_data']");
  const details = document.querySelector("textarea[name='shared_data']");
  if (clause && details) {
    const wrapper = details.closest("div");
    const sync = () => wrapper.classList.toggle("is-hidden", !clause.checked);
    clause.addEventListener("change", sync);
    sync();
  }

  // Only the contacts of the chosen partner are offered.
  const partner = document.querySelector("select[name='partner']");
  const contacts = document.querySelectorAll("input[name='contacts'][data-partner]");
  if (partner && contacts.length) {
    const filter = () => {
      contacts.forEach((box) => {
        const row = box.closest("div") || box.parentElement;
        const keep = !partner.value || box.dataset.partner === partner.value;
        row.classList.toggle("is-hidden", !keep);
        if (!keep) box.checked = false;
      });
    };
    partner.addEventListener("change", filter);
    filter();
  }
});
