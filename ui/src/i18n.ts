// The console's words: the Fluent messages of `../locales/<lang>/*.ftl`, compiled into the page
// at build time, the language in force, and `t(id, args)` to get a message in it.
//
// The session's language comes from the Rust side (`get_locale`, the same rule as the
// notifier); the parent may override it in Settings. A missing message falls back to English,
// then to its id, so a gap shows as a readable id rather than as nothing.

import { FluentBundle, FluentResource, type FluentVariable } from "@fluent/bundle";
import { negotiateLanguages } from "@fluent/langneg";
import type { Message, MessageArg, Translations } from "./api";

export type Lang = "en" | "fr";
/** What the parent picked: follow the session, or one language. */
export type LanguageChoice = "auto" | Lang;
export const LANGS: readonly Lang[] = ["en", "fr"];
export type Args = Record<string, FluentVariable>;

const files = import.meta.glob("../../locales/*/*.ftl", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

/** The .ftl sources by language and file name (`console.ftl`…), as compiled in. */
export function sources(): Record<Lang, Record<string, string>> {
  const out: Record<Lang, Record<string, string>> = { en: {}, fr: {} };
  for (const [path, text] of Object.entries(files)) {
    const m = /\/locales\/([a-z]+)\/([^/]+\.ftl)$/.exec(path);
    if (m && (LANGS as readonly string[]).includes(m[1])) out[m[1] as Lang][m[2]] = text;
  }
  return out;
}

const bundles = new Map<Lang, FluentBundle>();

/** The bundle of one language, with every file of its folder. */
export function bundle(lang: Lang): FluentBundle {
  let b = bundles.get(lang);
  if (!b) {
    // Plain text only: no Unicode isolation marks around variables.
    b = new FluentBundle(lang, { useIsolating: false });
    for (const text of Object.values(sources()[lang])) b.addResource(new FluentResource(text));
    bundles.set(lang, b);
  }
  return b;
}

let session: Lang = "en";
let current: Lang = "en";

/** The language of the console now. */
export function lang(): Lang {
  return current;
}

/** French for any `fr…` tag, English otherwise (the rule of the Rust side too). */
export function langOf(tag: string | null | undefined): Lang {
  return tag && /^fr(?![a-z])/i.test(tag.trim()) ? "fr" : "en";
}

/**
 * Records the session's language: the Rust side's answer when there is one, otherwise the
 * web view's own preferences.
 */
export function setSessionLanguage(tag: string | null): void {
  if (tag) {
    session = langOf(tag);
    return;
  }
  const wanted = typeof navigator !== "undefined" ? [...navigator.languages] : [];
  session = langOf(negotiateLanguages(wanted, [...LANGS], { defaultLocale: "en", strategy: "lookup" })[0]);
}

/** Applies a choice at once: the language in force and the page's `lang`. Returns it. */
export function useLanguage(choice: LanguageChoice): Lang {
  current = choice === "auto" ? session : choice;
  if (typeof document !== "undefined") document.documentElement.lang = current;
  return current;
}

/** A message in the language in force (or `lang`), English when missing there, else the id. */
export function t(id: string, args?: Args, lang: Lang = current): string {
  for (const l of lang === "en" ? ["en" as const] : [lang, "en" as const]) {
    const b = bundle(l);
    const m = b.getMessage(id);
    if (m?.value) return b.formatPattern(m.value, args, []);
  }
  return id;
}

/**
 * A message of the service (`{id, args}`) in the language in force: nested messages are
 * written first, lists are joined by `file-error-separator` and a space (as `vigie-i18n`'s
 * `Lang::render` does).
 */
export function tm(message: Message, lang: Lang = current): string {
  const args: Args = {};
  for (const [name, value] of Object.entries(message.args ?? {})) args[name] = argValue(value, lang);
  return t(message.id, args, lang);
}

function argValue(value: MessageArg, lang: Lang): FluentVariable {
  if (typeof value === "string" || typeof value === "number") return value;
  if (Array.isArray(value)) return value.map((m) => tm(m, lang)).join(`${t("file-error-separator", undefined, lang)} `);
  if (!("id" in value)) return value[lang] ?? value.en;
  return tm(value as Message, lang);
}

/** The service's words: its message in the language in force when it gave one, else its text. */
export function said(message: Message | null | undefined, text: string): string {
  return message && message.id ? tm(message) : text;
}

/**
 * A list's words (a name, a description, a note) in the language in force: its form for that
 * language when the list has one, else the English form it came with.
 */
export function localized(english: string, translations?: Translations | null, l: Lang = current): string {
  return translations?.[l] ?? english;
}

/**
 * How an attempt's site is shown: a brand rule's block as `site-brand` ("looks like Omegle",
 * « ressemble à Omegle ») in the language in force, any other site by its name.
 */
export function siteName(site: string, brand?: string | null, l: Lang = current): string {
  return brand ? t("site-brand", { brand }, l) : site;
}

/** The `Intl` locale of a language: 24-hour times and day-month dates in both. */
export function intlLocale(l: Lang = current): string {
  return l === "fr" ? "fr-FR" : "en-GB";
}
