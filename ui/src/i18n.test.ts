import { afterEach, describe, expect, it } from "vitest";
import { FluentResource } from "@fluent/bundle";
import { LANGS, intlLocale, langOf, setSessionLanguage, sources, t, useLanguage } from "./i18n";
import { clock, number, shortDay, when } from "./logic/format";
import { choiceFromSettings, languageChoice, withChoice } from "./logic/language-choice";
import type { Settings } from "./api";
import { said, tm } from "./i18n";

function settingsWith(language?: string): Settings {
  const s: Settings = { listen: [], upstream: [], blocking: { mode: "blockpage" }, journal: { "retention-days": 90 }, notices: { enabled: true } };
  return language === undefined ? s : { ...s, console: { language } };
}
import { strength, strengthLine } from "./logic/strength";
import { previewText } from "./logic/preview";

afterEach(() => {
  localStorage.clear();
  setSessionLanguage("en");
  useLanguage("en");
});

// ---- the .ftl files: same ids and the same variables in every language ----

type Node = unknown;

/** The variables and message references a pattern uses, from the runtime syntax tree. */
function refs(node: Node, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.type === "var") out.add(`$${o.name as string}`);
    if (o.type === "mesg") out.add(`msg:${o.name as string}`);
    for (const v of Object.values(o)) if (typeof v === "object") refs(v, out);
  }
  return out;
}

interface Entry { file: string; vars: string[]; attrs: string[] }

function messages(lang: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const [file, text] of Object.entries(sources()[lang as "en"])) {
    const res = new FluentResource(text);
    for (const m of res.body) {
      expect(out.has(m.id), `${lang}/${file}: ${m.id} defined twice`).toBe(false);
      const vars = [...refs([m.value, m.attributes], new Set())].sort();
      out.set(m.id, { file, vars, attrs: Object.keys(m.attributes).sort() });
    }
  }
  return out;
}

/** Message ids as the lines of the file declare them, to catch entries the parser dropped. */
function declared(lang: string): string[] {
  const ids: string[] = [];
  for (const text of Object.values(sources()[lang as "en"])) {
    for (const line of text.split("\n")) {
      const m = /^([a-zA-Z][\w-]*)\s*=/.exec(line);
      if (m) ids.push(m[1]);
    }
  }
  return ids.sort();
}

describe("translation files", () => {
  it("has the same files in every language", () => {
    const files = LANGS.map((l) => Object.keys(sources()[l]).sort());
    expect(files[0].length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect(f).toEqual(files[0]);
  });

  it("parses every declared message", () => {
    for (const l of LANGS) expect([...messages(l).keys()].sort()).toEqual(declared(l));
  });

  it("has every message id in both languages, in the same file, with the same variables", () => {
    const en = messages("en");
    const fr = messages("fr");
    expect([...fr.keys()].filter((id) => !en.has(id)), "only in French").toEqual([]);
    expect([...en.keys()].filter((id) => !fr.has(id)), "only in English").toEqual([]);
    for (const [id, e] of en) {
      expect(fr.get(id), id).toEqual(e);
    }
  });

  it("keeps French typography: no plain space before : ; ? ! nor inside « », curly apostrophes", () => {
    for (const text of Object.values(sources().fr)) {
      for (const line of text.split("\n").filter((l) => !l.startsWith("#"))) {
        expect(line, line).not.toMatch(/ [:;?!](\s|$)|« | »/);
        expect(line, line).not.toMatch(/"[^"]*"/);
        expect(line, line).not.toContain("'");
      }
    }
  });
});

// ---- t() and the language in force ----

describe("t()", () => {
  it("writes the message in the language in force, without isolation marks", () => {
    expect(t("notice-body", { site: "Omegle" })).toBe("Omegle is blocked on this computer. If you need it, talk to a parent.");
    useLanguage("fr");
    expect(t("notice-body", { site: "Omegle" })).toBe("Omegle est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent.");
    expect(t("notice-body", { site: "Omegle" })).not.toMatch(/[\u2068\u2069]/);
  });

  it("uses French plurals", () => {
    useLanguage("fr");
    expect(t("overview-attempts", { count: 0 })).toBe("0 tentative");
    expect(t("overview-attempts", { count: 1 })).toBe("1 tentative");
    expect(t("overview-attempts", { count: 2 })).toBe("2 tentatives");
    expect(t("overview-attempts", { count: 1234 })).toBe("1\u202f234 tentatives");
    expect(strengthLine(strength("abcdefg"))).toBe("Trop court. Encore 1 caractère.");
  });

  it("falls back to the id of an unknown message", () => {
    expect(t("no-such-message")).toBe("no-such-message");
  });

  it("follows the session unless the parent picked a language", () => {
    setSessionLanguage("fr_FR.UTF-8");
    expect(useLanguage(languageChoice())).toBe("fr");
    expect(document.documentElement.lang).toBe("fr");
    expect(useLanguage(choiceFromSettings(settingsWith("en")))).toBe("en");
    expect(languageChoice()).toBe("en");
    expect(useLanguage(choiceFromSettings(settingsWith("auto")))).toBe("fr");
    setSessionLanguage("de_DE.UTF-8");
    expect(useLanguage(languageChoice())).toBe("en");
    // An older service without [console], or a value it does not know: automatic.
    expect(choiceFromSettings(settingsWith())).toBe("auto");
    expect(choiceFromSettings(settingsWith("de"))).toBe("auto");
    const next = withChoice({ ...settingsWith("auto"), lists: { "dns-bypass": false } }, "fr");
    expect(next.console).toEqual({ language: "fr" });
    expect(next.lists).toEqual({ "dns-bypass": false });
  });

  it("writes the service's messages in the language in force", () => {
    const ip = { id: "reason-ip-address", args: { name: "1.2.3.4" } };
    useLanguage("fr");
    expect(tm(ip)).toBe("«\u202f1.2.3.4\u202f» est une adresse IP, pas le nom d’un site\u00a0: Vigie bloque les sites par leur nom, entrez donc un nom comme exemple.fr");
    const space = { id: "reason-bad-character", args: { name: "a b.com", shown: { id: "reason-character-space" } } };
    expect(tm(space)).toContain("contient une espace");
    const two = { id: "file-error-invalid", args: { count: 2, problems: [ip, { id: "reason-empty-name" }] } };
    expect(tm(two)).toMatch(/^2 problèmes\u00a0: «.*\u202f; le nom est vide/);
    expect(tm({ id: "check-paused" })).toMatch(/^La protection est en pause/);
    useLanguage("en");
    expect(tm(ip)).toBe("\"1.2.3.4\" is an IP address, not a site's name: Vigie blocks sites by name, so enter a name like example.com");
    expect(tm(two)).toMatch(/^2 problems: ".*; the name is empty/);
    expect(said(null, "as given")).toBe("as given");
    expect(said(ip, "as given")).toContain("is an IP address");
  });

  it("writes a list's name inside a message in the language in force, English where it has none", () => {
    const list = { en: "Omegle and clones", fr: "Omegle et ses clones" };
    const check = { id: "check-brand", args: { brand: "Omegle", domain: "omeglechat.example", list, rule: "omegle" } };
    useLanguage("fr");
    expect(tm(check)).toContain("«\u202fOmegle et ses clones\u202f»");
    expect(tm(check)).toContain("omeglechat.example ressemble à Omegle");
    expect(tm({ ...check, args: { ...check.args, list: { en: "Family list" } } })).toContain("Family list");
    useLanguage("en");
    expect(tm(check)).toContain("\"Omegle and clones\"");
  });

  it("takes French for any fr tag and English otherwise", () => {
    expect(["fr", "fr_CA.UTF-8", "fr-BE", "FR"].map(langOf)).toEqual(["fr", "fr", "fr", "fr"]);
    expect(["en_US.UTF-8", "de", "C", "", null, "fry"].map(langOf)).toEqual(["en", "en", "en", "en", "en", "en"]);
  });
});

// ---- French formatting ----

describe("French formatting", () => {
  it("groups numbers with a narrow no-break space", () => {
    useLanguage("fr");
    expect(intlLocale()).toBe("fr-FR");
    expect(number(1234)).toBe("1\u202f234");
    expect(number(1234567)).toBe(new Intl.NumberFormat("fr-FR").format(1234567));
    useLanguage("en");
    expect(number(1234)).toBe("1,234");
  });

  it("writes short days, dates and 24-hour times", () => {
    useLanguage("fr");
    expect(shortDay("2026-12-01")).toBe("1 déc.");
    expect(shortDay("2026-08-15")).toBe("15 août");
    const local = new Date(2026, 10, 23, 18, 5).toISOString();
    expect(clock(local)).toBe("18:05");
    expect(when(local)).toBe("23 nov. 2026 à 18:05");
    useLanguage("en");
    expect(clock(local)).toBe("18:05");
    expect(when(local)).toBe("23 Nov 2026, 18:05");
  });

  it("writes the paste-box preview in French", () => {
    useLanguage("fr");
    expect(previewText({ outcome: "domain", domain: "omegle.com", unicode: "omegle.com" }).text)
      .toBe("Devient omegle.com\u00a0: le site et tous les noms qui en dépendent.");
  });
});
