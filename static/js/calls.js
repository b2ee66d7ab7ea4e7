// Progressive enhancement of the calls pages; everything works without JS.
document.addEventListener("DOMContentLoaded", () => {
  // Scoring form: remind the juror how many counting criteria still lack a score.
  const form = document.querySelector("form.score-form");
  if (form) {
    const inputs = form.querySelectorAll("input[name^='score_']");
    const live = document.createElement("p");
    live.className = "calls-score-live";
    live.setAttribute("aria-live", "polite");
    form.prepend(live);
    const update = () => {
      const empty = Array.from(inputs).filter((i) => i.value.trim() === "").length;
      live.textContent = empty ? `${empty} critère(s) sans note.` : "Tous les critères sont notés.";
    };
    inputs.forEach((i) => i.addEventListener("input", update));
    update();
  }
  // Conflict declaration: the reason only matters when "yes" is chosen.
  const reason = document.querySelector("textarea[name='reason']");
  const radios = document.querySelectorAll("input[name='has_conflict']");
  if (reason && radios.length) {
    const wrapper = reason.closest("div");
    const sync = () => {
      const yes = document.querySelector("input[name='has_conflict'][value='yes']");
      wrapper.hidden = !(yes && yes.checked);
    };
    radios.forEach((r) => r.addEventListener("change", sync));
    sync();
  }
});
