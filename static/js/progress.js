// Progress of a background job (import, report build): poll its JSON state and move the
// bar; reload when the job ends. Without JS, a <noscript> meta refresh reloads the page.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) return;
  const bar = box.querySelector("progress");
  const percent = box.querySelector("[data-progress-percent]");
  const status = box.querySelector("[data-progress-status]");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const data = await response.json();
        bar.value = data.progress;
        bar.textContent = `${data.progress} %`;
        percent.textContent = `${data.progress} %`;
        status.textContent = data.text || data.label;
        if (data.done) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // A missed poll is harmless: try again.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 500);
});
