// The idle warning and the kept form (templates/accounts/idle_warning.html).
// Progressive enhancement: without this file the session still ends on the server, and a
// form sent after that is still kept and given back after signing in (minus the filling).
(() => {
  "use strict";
  const KEY = "slsp-last-activity";
  const loadedAt = Date.now();

  const mark = (when) => {
    try { localStorage.setItem(KEY, String(when)); } catch (e) { /* private mode */ }
  };
  // Every tab of the application shares the last moment the server saw activity.
  const lastActivity = () => {
    let stored = 0;
    try { stored = Number(localStorage.getItem(KEY)) || 0; } catch (e) { /* ignore */ }
    return Math.max(stored, loadedAt);
  };

  const fillKeptForm = () => {
    const block = document.getElementById("resumed-form");
    if (!block) return;
    let kept;
    try { kept = JSON.parse(block.textContent); } catch (e) { return; }
    const forms = Array.from(document.querySelectorAll("form[method='post' i]"));
    const form = forms.find((f) => new URL(f.action, location.href).pathname === kept.action);
    if (!form) return;
    Object.entries(kept.fields).forEach(([name, values]) => {
      const fields = Array.from(form.elements).filter((el) => el.name === name);
      fields.forEach((el) => {
        if (el.type === "file") return;
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values.includes(el.value);
        } else if (el.tagName === "SELECT" && el.multiple) {
          Array.from(el.options).forEach((o) => { o.selected = values.includes(o.value); });
        } else {
          el.value = values[fields.indexOf(el)] ?? values[0] ?? "";
        }
      });
    });
    const details = form.closest("details");
    if (details) details.open = true;
    const first = form.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  };

  const watchIdle = () => {
    const box = document.getElementById("idle-warning");
    if (!box) return;
    const timeout = Number(box.dataset.timeout) * 1000;
    const warnBefore = Number(box.dataset.warnBefore) * 1000;
    const title = document.getElementById("idle-warning-title");
    const text = document.getElementById("idle-warning-text");
    const stay = box.querySelector(".idle-warning-stay");
    const login = box.querySelector(".idle-warning-login");
    let state = "hidden";
    mark(loadedAt);

    const show = (next, endsAt) => {
      if (next === state) return;
      state = next;
      if (next === "hidden") { box.hidden = true; return; }
      const time = new Date(endsAt).toLocaleTimeString(document.documentElement.lang || "fr",
        { hour: "2-digit", minute: "2-digit" });
      title.textContent = title.dataset[next];
      text.textContent = text.dataset[next].replace("__TIME__", time);
      stay.hidden = next === "expired";
      login.hidden = next !== "expired";
      box.hidden = false;
      (next === "expired" ? login.querySelector("a") : stay.querySelector("button")).focus();
    };

    const check = () => {
      const endsAt = lastActivity() + timeout;
      const left = endsAt - Date.now();
      if (left <= 0) show("expired", endsAt);
      else if (left <= warnBefore) show("expiring", endsAt);
      else show("hidden", endsAt);
    };

    stay.addEventListener("submit", async (event) => {
      event.preventDefault();
      let ok = false;
      try {
        const response = await fetch(stay.action, {
          method: "POST",
          body: new FormData(stay),
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          redirect: "manual",
        });
        ok = response.ok;
      } catch (e) { ok = false; }
      if (ok) {
        mark(Date.now());
        show("hidden", 0);
      } else {
        mark(0);
        show("expired", Date.now());
      }
    });
    window.addEventListener("storage", (event) => { if (event.key === KEY) check(); });
    check();
    setInterval(check, 5000);
  };

  document.addEventListener("DOMContentLoaded", () => {
    fillKeptForm();
    watchIdle();
  });
})();
