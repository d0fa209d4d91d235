// Where the parent's language choice is kept. For now the page's own storage; it will move to
// the service's settings. This function is the only place that reads or writes it.

import type { LanguageChoice } from "../i18n";

const KEY = "vigie.language";

/** The stored choice (`auto` when none); with `next`, stores it first. */
export function languageChoice(next?: LanguageChoice): LanguageChoice {
  try {
    if (next !== undefined) localStorage.setItem(KEY, next);
    const v = localStorage.getItem(KEY);
    return v === "fr" || v === "en" ? v : "auto";
  } catch {
    return next ?? "auto";
  }
}
