// Progressive enhancement of the agreement form: the list of shared data only shows
// when the data-sharing clause is ticked. Without JS both fields stay visible.
document.addEventListener("DOMContentLoaded", () => {
  const clause = document.querySelector("input[name='shares_data']");
  const details = document.querySelector("textarea[name='shared_data']");
  if (!clause || !details) return;
  const wrapper = details.closest("div");
  const sync = () => wrapper.classList.toggle("is-hidden", !clause.checked);
  clause.addEventListener("change", sync);
  sync();
});
