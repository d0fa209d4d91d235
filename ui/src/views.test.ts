// The screens in French, with the service faked: the words come out of the .ftl files, and
// the language setting applies at once and is saved in the service's settings.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("./api", async (original) => {
  const real = await original<typeof import("./api")>();
  let settings: Record<string, unknown> = {
    listen: ["127.0.0.1:53"],
    upstream: [],
    blocking: { mode: "blockpage" },
    journal: { "retention-days": 90 },
    notices: { enabled: true },
    console: { language: "auto" },
  };
  let version = 1;
  return {
    ...real,
    api: {
      getSettings: vi.fn(async () => ({ etag: `"${version}"`, value: settings })),
      putSettings: vi.fn(async (next: Record<string, unknown>, etag: string) => {
        if (etag !== `"${version}"`) throw new real.ApiError("conflict", "stale");
        settings = next;
        version += 1;
        return { etag: `"${version}"`, value: settings };
      }),
      setWindowLanguage: vi.fn(async () => {}),
      attempts: vi.fn(async () => ({ entries: [], next_cursor: null })),
      summary: vi.fn(async () => ({ days: [], sites: [] })),
      status: vi.fn(async () => ({
        upstream_mode: "network",
        network_dns: { source: "NetworkManager", servers: ["192.168.1.1"], since: "2026-12-01T14:00:00Z" },
      })),
      mySites: vi.fn(async () => ({ etag: '"1"', value: { list: editable("my-sites"), sites: [] } })),
      allowlist: vi.fn(async () => ({ etag: '"1"', value: { list: editable("allowlist"), sites: [] } })),
      lists: vi.fn(async () => [
        {
          id: "stranger-chat", name: "Omegle and clones", name_translations: { fr: "Omegle et ses clones" },
          description: "Sites that pair a child with strangers.",
          description_translations: { fr: "Les sites qui mettent un enfant en relation avec des inconnus." },
          action: "block", enabled: true, shipped: true, sites: 2, domains: 2,
        },
        {
          id: "family", name: "Family list", description: "Only in English.",
          action: "block", enabled: true, shipped: true, sites: 0, domains: 0,
        },
      ]),
      listDetail: vi.fn(async () => ({
        list: null,
        sites: [
          { name: "Omegle", domains: ["omegle.com"], note: "The original site.", note_translations: { fr: "Le site d’origine." } },
          { name: "Other", domains: ["other.example"], note: "English only." },
          { name: "Bare", domains: ["bare.example"] },
        ],
      })),
    },
  };
});

function editable(id: string) {
  return { id, name: id, description: "", action: "block", enabled: true, shipped: false, sites: 0, domains: 0 };
}

import { setShell } from "./app";
import { api, ApiError } from "./api";
import { report } from "./app";
import { verdictKind } from "./views/sites";
import { setSessionLanguage, useLanguage } from "./i18n";
import { languageChoice } from "./logic/language-choice";
import { renderActivity } from "./views/activity";
import { renderLock } from "./views/lock";
import { renderSettings } from "./views/settings";
import { renderSites } from "./views/sites";

const changed = vi.fn();

beforeEach(() => {
  document.body.innerHTML = `<p id="toast" hidden></p>`;
  setShell({ serviceDown: vi.fn(), locked: vi.fn(), languageChanged: changed });
  setSessionLanguage("fr_FR.UTF-8");
  useLanguage(languageChoice());
});

afterEach(() => {
  localStorage.clear();
  changed.mockReset();
  setSessionLanguage("en");
  useLanguage("en");
});

describe("the screens in French", () => {
  it("shows the lock screen with French words", () => {
    const root = document.createElement("div");
    renderLock(root, null, true, () => {});
    expect(root.querySelector("h1")?.textContent).toBe("Bienvenue dans Vigie");
    expect(root.querySelector("#lock-protection")?.textContent).toBe("Non protégé\u00a0: le service de Vigie ne fonctionne pas");
    expect(root.querySelector("#strength")?.textContent).toContain("Au moins 8 caractères.");
    expect(root.querySelector("#set-password")?.textContent).toBe("Enregistrer le mot de passe");
  });

  it("shows the activity table in French", async () => {
    const root = document.createElement("div");
    await renderActivity(root);
    const heads = [...root.querySelectorAll("th")].map((th) => th.textContent);
    expect(heads).toEqual(["Quand", "Site", "Nom recherché", "Qui", "Recherches"]);
    expect(root.querySelector("#attempts")?.textContent).toBe("Aucune tentative ne correspond.");
    expect(root.querySelector("#page")?.textContent).toBe("Page 1");
  });

  it("shows the shipped lists and their site notes in French, English where a list has no French", async () => {
    // The view fills its boxes by id, so it must be in the document.
    const root = document.body.appendChild(document.createElement("div"));
    await renderSites(root);
    const cards = [...root.querySelectorAll<HTMLElement>(".list")];
    expect(cards.map((c) => c.querySelector("strong")?.textContent)).toEqual(["Omegle et ses clones", "Family list"]);
    expect(cards.map((c) => c.querySelector("p.hint")?.textContent)).toEqual([
      "Les sites qui mettent un enfant en relation avec des inconnus.",
      "Only in English.",
    ]);
    const details = cards[0].querySelector("details")!;
    details.open = true;
    details.dispatchEvent(new Event("toggle"));
    await vi.waitFor(() => expect(cards[0].querySelectorAll(".list-sites li")).toHaveLength(3));
    const notes = [...cards[0].querySelectorAll(".list-sites li")].map((li) => li.querySelector(".note")?.textContent ?? null);
    expect(notes).toEqual(["Le site d’origine.", "English only.", null]);
  });

  it("names a brand rule's block in French in the activity table and the site filter", async () => {
    vi.mocked(api.attempts).mockResolvedValueOnce({
      entries: [
        { id: 2, time: "2026-01-31T10:00:00Z", client: "127.0.0.1", name: "www.omeglechat.example", site: "looks like Omegle", list: "stranger-chat", rule: "omegle", types: ["A"], count: 1, brand: "Omegle" },
        { id: 1, time: "2026-01-31T09:00:00Z", client: "127.0.0.1", name: "www.omegle.com", site: "Omegle", list: "stranger-chat", rule: "omegle.com", types: ["A"], count: 1 },
      ],
      next_cursor: null,
    });
    vi.mocked(api.summary).mockResolvedValueOnce({
      days: [],
      sites: [{ site: "looks like Omegle", count: 1, brand: "Omegle" }, { site: "Omegle", count: 1 }],
    });
    const root = document.createElement("div");
    await renderActivity(root);
    const sites = [...root.querySelectorAll("#attempts tr")].map((tr) => tr.children[1].textContent);
    expect(sites).toEqual(["ressemble à Omegle", "Omegle"]);
    const options = [...root.querySelectorAll<HTMLOptionElement>("#site-filter option")].slice(1);
    // The filter still sends the site as the service keeps it.
    expect(options.map((o) => [o.value, o.textContent])).toEqual([
      ["looks like Omegle", "ressemble à Omegle"],
      ["Omegle", "Omegle"],
    ]);
  });

  it("names who tried and filters by account, in French", async () => {
    const lea = { uid: 1001, name: "lea", full_name: "Léa" };
    vi.mocked(api.summary).mockResolvedValueOnce({
      days: [],
      sites: [],
      accounts: [{ account: lea, count: 2 }, { account: null, count: 1 }],
    });
    const attempt = { id: 1, time: "2026-11-23T14:05:00Z", client: "127.0.0.1", name: "www.omegle.com", site: "Omegle", list: "stranger-chat", rule: "omegle.com", types: ["A"], count: 1, local: true };
    vi.mocked(api.attempts).mockResolvedValueOnce({
      entries: [
        { ...attempt, account: lea, program: "firefox-esr" },
        { ...attempt, id: 2, via: "systemd-resolved" },
      ],
      next_cursor: null,
    });
    const root = document.createElement("div");
    await renderActivity(root);
    const select = root.querySelector<HTMLSelectElement>("#account-filter")!;
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ["", "Tous les comptes"],
      ["1001", "Léa (lea)"],
      ["this-computer", "Cet ordinateur (compte inconnu)"],
    ]);
    const cells = [...root.querySelectorAll("#attempts td.who")].map((td) => td.textContent);
    expect(cells).toEqual(["Léa avec firefox-esr", "Cet ordinateur (compte inconnu) par systemd-resolved"]);
    select.value = "1001";
    select.dispatchEvent(new Event("change"));
    await vi.waitFor(() =>
      expect(vi.mocked(api.attempts).mock.lastCall?.[0]).toMatchObject({ account: "1001" }),
    );
  });

  it("offers the language choice and applies it at once", async () => {
    const root = document.createElement("div");
    await renderSettings(root, () => {});
    expect(root.querySelector("#dns-in-use")?.textContent).toBe("En ce moment, le réseau propose 192.168.1.1 (trouvé par NetworkManager)\u202f; Vigie le suit d’un réseau à l’autre.");
    expect(root.querySelector("#settings-title")?.textContent).toBe("Réglages");
    expect(root.querySelector("#language-title")?.textContent).toBe("Langue");
    const select = root.querySelector<HTMLSelectElement>("#language")!;
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ["auto", "Automatique"],
      ["fr", "Français"],
      ["en", "English"],
    ]);
    expect(select.value).toBe("auto");
    select.value = "en";
    select.dispatchEvent(new Event("change"));
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(1));
    expect(languageChoice()).toBe("en");
    // Saved in the service's settings, every other field kept.
    const [sent] = vi.mocked(api.putSettings).mock.calls[0];
    expect(sent.console).toEqual({ language: "en" });
    expect(sent.notices).toEqual({ enabled: true });
    expect(api.setWindowLanguage).toHaveBeenCalledWith("en");
    expect(document.documentElement.lang).toBe("en");
    const again = document.createElement("div");
    await renderSettings(again, () => {});
    expect(again.querySelector("#settings-title")?.textContent).toBe("Settings");
    expect(again.querySelector<HTMLSelectElement>("#language")?.value).toBe("en");
  });

  it("writes the service's refusals in French and shows a paused test as a warning", () => {
    useLanguage("fr");
    const where = document.createElement("p");
    const refused = new ApiError("invalid", "\"1.2.3.4\" is an IP address, not a site's name", {
      id: "reason-ip-address",
      args: { name: "1.2.3.4" },
    });
    report(refused, where);
    expect(where.textContent).toContain("est une adresse IP");
    expect(where.dataset.kind).toBe("error");
    report(new ApiError("invalid", "plain English only"), where);
    expect(where.textContent).toBe("plain English only");
    expect(verdictKind("paused")).toBe("warn");
    expect(verdictKind("blocked")).toBe("error");
    expect(verdictKind("unlisted")).toBe("ok");
  });
});
