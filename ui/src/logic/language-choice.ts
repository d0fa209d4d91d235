// Where the parent's language choice is kept: `[console] language` in the service's
// settings.toml, a choice for this computer that every parent account sees the same. This
// module is the only place that reads or writes it. The settings need a parent session, so
// before one is open (the lock screen) the console follows the session's language.

import { api, type Settings } from "../api";
import { useLanguage, type Lang, type LanguageChoice } from "../i18n";

let known: LanguageChoice = "auto";

function parse(value: unknown): LanguageChoice {
  return value === "fr" || value === "en" ? value : "auto";
}

/** The choice last read from or written to the settings; `auto` before any. */
export function languageChoice(): LanguageChoice {
  return known;
}

/** Takes the choice from a settings document the page loaded. */
export function choiceFromSettings(settings: Settings): LanguageChoice {
  known = parse(settings.console?.language);
  return known;
}

/** The settings document with `choice` in it; every other field is kept as it is. */
export function withChoice(settings: Settings, choice: LanguageChoice): Settings {
  return { ...settings, console: { ...(settings.console ?? {}), language: choice } };
}

/** Reads the choice from the service's settings (a parent session is needed). */
export async function loadLanguageChoice(): Promise<LanguageChoice> {
  return choiceFromSettings((await api.getSettings()).value);
}

/**
 * Saves `choice` in the service's settings: read fresh and written back at once, so nothing
 * else in them changes. Returns the choice in force afterwards.
 */
export async function saveLanguageChoice(choice: LanguageChoice): Promise<LanguageChoice> {
  const current = await api.getSettings();
  const saved = await api.putSettings(withChoice(current.value, choice), current.etag);
  return choiceFromSettings(saved.value);
}

/** Puts a choice in force: the page's language, `<html lang>` and the window's title. */
export function applyLanguage(choice: LanguageChoice): Lang {
  const lang = useLanguage(choice);
  try {
    void api.setWindowLanguage(lang).catch(() => {});
  } catch {
    // Outside the app there is no window to title.
  }
  return lang;
}
