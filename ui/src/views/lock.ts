// The lock screen: first run (choose the parent password) or unlock. It also shows whether
// the computer is protected, which anyone may see; nothing else is shown until unlocked.

import { api, ApiError, type Status } from "../api";
import { h, fill, say } from "../dom";
import { newPasswordProblem, strength } from "../logic/strength";
import { protection } from "../logic/protection";

export function renderLock(root: HTMLElement, status: Status | null, firstRun: boolean, unlocked: () => void): void {
  const p = protection(status);
  const error = h("p", { id: "lock-error", class: "message", role: "alert", hidden: true });
  const state = h("p", { id: "lock-protection", class: p.ok ? "state ok" : "state bad" }, p.headline);

  if (firstRun) {
    const pw = h("input", { id: "new-password", type: "password", autocomplete: "new-password", "aria-describedby": "strength" });
    const confirm = h("input", { id: "confirm-password", type: "password", autocomplete: "new-password" });
    const meter = h("meter", { id: "strength-meter", min: 0, max: 4, value: 0, "aria-label": "Password strength" });
    const hint = h("p", { id: "strength", class: "hint" }, strength("").hint);
    pw.addEventListener("input", () => {
      const s = strength(pw.value);
      meter.value = s.score;
      fill(hint, s.label ? `${s.label}. ${s.hint}` : s.hint);
    });
    const form = h(
      "form",
      { class: "card lock-card", "aria-labelledby": "lock-title" },
      h("h1", { id: "lock-title" }, "Welcome to Vigie"),
      state,
      h("p", {}, "Choose the parent password. It protects the lists, the record of attempts and the settings. Keep it to yourself: anyone who knows it can turn the blocking off."),
      h("label", { for: "new-password" }, "Parent password"),
      pw,
      meter,
      hint,
      h("label", { for: "confirm-password" }, "Type it again"),
      confirm,
      error,
      h("button", { id: "set-password", type: "submit", class: "primary" }, "Set the password"),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const problem = newPasswordProblem(pw.value, confirm.value);
      if (problem) return say(error, problem, "error");
      try {
        await api.setup(pw.value);
        unlocked();
      } catch (err) {
        say(error, ApiError.from(err).message, "error");
      }
    });
    fill(root, form);
    pw.focus();
    return;
  }

  const pw = h("input", { id: "password", type: "password", autocomplete: "current-password" });
  const form = h(
    "form",
    { class: "card lock-card", "aria-labelledby": "lock-title" },
    h("h1", { id: "lock-title" }, "Vigie is locked"),
    state,
    h("p", {}, "Type the parent password to see the lists, the attempts and the settings."),
    h("label", { for: "password" }, "Parent password"),
    pw,
    error,
    h("button", { id: "unlock", type: "submit", class: "primary" }, "Unlock"),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api.login(pw.value);
      pw.value = "";
      unlocked();
    } catch (err) {
      say(error, ApiError.from(err).message, "error");
      pw.select();
    }
  });
  fill(root, form);
  pw.focus();
}
