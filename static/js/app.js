// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the first error so keyboard and screen-reader users land on it.
  const firstError = document.querySelector(".errorlist");
  if (firstError) {
    const field = firstError.parentElement.querySelector("input, select, textarea");
    if (field) field.focus();
  }
});
