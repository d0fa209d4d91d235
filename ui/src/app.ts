// What every screen shares: how failures are handled (lock screen, service-down banner,
// conflict reload) and a short-lived confirmation line.

import { ApiError } from "./api";
import { byId, say } from "./dom";
import { said } from "./i18n";

export interface Shell {
  /** The service stopped answering: show the banner until it is back. */
  serviceDown(): void;
  /** The session ended: back to the lock screen. */
  locked(): void;
  /** The language changed: write every visible word again. */
  languageChanged(): void;
}

let shell: Shell | null = null;

export function setShell(s: Shell): void {
  shell = s;
}

/**
 * Reports a failure where the parent is looking (`where`), unless it is the kind the whole
 * window reacts to. Returns the error for callers that want to react further.
 */
export function report(e: unknown, where?: HTMLElement): ApiError {
  const err = ApiError.from(e);
  if (err.kind === "service_down") shell?.serviceDown();
  else if (err.kind === "locked") shell?.locked();
  else if (where) say(where, said(err.i18n, err.message), "error");
  else toast(said(err.i18n, err.message), "error");
  return err;
}

/** Tells the window that the language changed, so it redraws in the new one. */
export function languageChanged(): void {
  shell?.languageChanged();
}

let toastTimer: ReturnType<typeof setTimeout> | null = null;

/** A confirmation that fades after a few seconds ("Saved. It applies now."). */
export function toast(text: string, kind: "ok" | "error" = "ok"): void {
  const el = byId("toast");
  say(el, text, kind);
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = setTimeout(() => say(el, ""), 6000);
}
