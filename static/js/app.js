// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the first error so keyboard and screen-reader users land on it.
  const firstError = document.querySelector(".errorlist");
  if (firstError) {
    const field = firstError.parentElement.querySelector("input, select, textarea");
    if (field) field.focus();
  }
});

// Menu: one group open at a time, closed by Escape or a click elsewhere (each group is a
// <details> that works on its own without this script).
document.addEventListener("DOMContentLoaded", () => {
  const groups = Array.from(document.querySelectorAll(".nav-group"));
  const closeAll = (except) => groups.forEach((g) => { if (g !== except) g.open = false; });
  groups.forEach((group) => {
    group.addEventListener("toggle", () => { if (group.open) closeAll(group); });
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".nav-group")) closeAll(null);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = groups.find((g) => g.open);
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
});
