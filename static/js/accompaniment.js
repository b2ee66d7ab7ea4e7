// Logging a moment from the household page: confirm in place, keep the keyboard where it is.
// Without JS the form posts and the page comes back with a message (same server rules).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-moment-form]").forEach((form) => {
    const status = form.querySelector("[data-moment-status]");
    const timeline = document.querySelector("ol[data-timeline]");
    form.addEventListener("submit", async (event) => {
      if (!window.fetch || !timeline) return;
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      status.classList.remove("error");
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        const data = await response.json();
        status.textContent = data.message;
        if (data.ok) {
          const empty = timeline.querySelector("li:not(.moment):not(.event)");
          if (empty) empty.remove();
          timeline.insertAdjacentHTML("afterbegin", data.html);
          timeline.firstElementChild.classList.add("just-added");
          // Ready for the next moment: same defaults, fresh note.
          form.querySelectorAll("input[name$='note'], input[name$='participants'], textarea").forEach((f) => {
            f.value = "";
          });
          form.querySelector("select[name$='sensitivity']").value = "";
          form.querySelector("select[name$='kind']").focus();
        } else {
          status.classList.add("error");
        }
      } catch (error) {
        // Network or unexpected answer: fall back to the ordinary post.
        form.submit();
        return;
      } finally {
        button.disabled = false;
      }
    });
  });
});
