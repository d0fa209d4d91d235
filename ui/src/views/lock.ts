// The lock screen: first run (choose the parent password) or unlock. It also shows whether
// the computer is protected, which anyone may see; nothing else is shown until unlocked.

import { api, ApiError, type Status } from "../api";
import { h, fill, say } from "../dom";
import { said, t } from "../i18n";
import { newPasswordProblem, strength, strengthLine } from "../logic/strength";
import { protection } from "../logic/protection";

export function renderLock(root: HTMLElement, status: Status | null, firstRun: boolean, unlocked: () => void): void {
  const p = protection(status);
  const error = h("p", { id: "lock-error", class: "message", role: "alert", hidden: true });
  const state = h("p", { id: "lock-protection", class: p.ok ? "state ok" : "state bad" }, p.headline);

  if (firstRun) {
    const pw = h("input", { id: "new-password", type: "password", autocomplete: "new-password", "aria-describedby": "strength" });
    const confirm = h("input", { id: "confirm-password", type: "password", autocomplete: "new-password" });
    const meter = h("meter", { id: "strength-meter", min: 0, max: 4, value: 0, "aria-label": t("lock-strength-label") });
    const hint = h("p", { id: "strength", class: "hint" }, strength("").hint);
    pw.addEventListener("input", () => {
      const s = strength(pw.value);
      meter.value = s.score;
      fill(hint, strengthLine(s));
    });
    const form = h(
      "form",
      { class: "card lock-card", "aria-labelledby": "lock-title" },
      h("h1", { id: "lock-title" }, t("lock-welcome-title")),
      state,
      h("p", {}, t("lock-welcome-intro")),
      h("p", { id: "lock-administrator", class: "hint" }, t("lock-welcome-administrator")),
      h("label", { for: "new-password" }, t("lock-password-label")),
      pw,
      meter,
      hint,
      h("label", { for: "confirm-password" }, t("lock-confirm-label")),
      confirm,
      error,
      h("button", { id: "set-password", type: "submit", class: "primary" }, t("lock-set-password")),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const problem = newPasswordProblem(pw.value, confirm.value);
      if (problem) return say(error, problem, "error");
      try {
        await api.setup(pw.value);
        unlocked();
      } catch (err) {
        say(error, failure(err), "error");
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
    h("h1", { id: "lock-title" }, t("lock-locked-title")),
    state,
    h("p", {}, t("lock-locked-intro")),
    h("label", { for: "password" }, t("lock-password-label")),
    pw,
    error,
    h("button", { id: "unlock", type: "submit", class: "primary" }, t("lock-unlock")),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api.login(pw.value);
      pw.value = "";
      unlocked();
    } catch (err) {
      say(error, failure(err), "error");
      pw.select();
    }
  });
  fill(root, form);
  pw.focus();
}

/** A failure in the console's language when the service gave its message, else as given. */
function failure(err: unknown): string {
  const e = ApiError.from(err);
  return said(e.i18n, e.message);
}
