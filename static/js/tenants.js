// Import progress: poll the job and move the bar without reloading; reload when done.
// The page also refreshes itself every few seconds (meta refresh), which is all it needs
// without JS.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-import-progress]");
  if (!box || !window.fetch) return;
  const bar = box.querySelector("progress");
  const percent = box.querySelector("[data-import-percent]");
  const status = box.querySelector("[data-import-status]");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.importProgress, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json();
      bar.value = data.progress;
      bar.textContent = `${data.progress} %`;
      percent.textContent = `${data.progress} %`;
      status.textContent = data.label;
      if (data.done) {
        window.location.reload();
        return;
      }
    } catch (error) {
      // A missed poll is harmless: try again.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 500);
});
