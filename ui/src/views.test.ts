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
        parent_accounts: [{ uid: 1000, name: "lea", full_name: "Léa Martin" }, { uid: 1002, name: "papa" }],
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
      subscriptions: vi.fn(async () => ({
        etag: '"7"',
        value: {
          subscriptions: [
            {
              id: "sub-3f2a9c01b7de", name: "Liste communautaire", url: "https://listes.example.org/randomchat.txt",
              format: "auto", refresh_secs: 86400, enabled: true, state: "failing", domains: 412,
              fetched_at: new Date(Date.now() - 3 * 86400_000).toISOString(),
              checked_at: new Date(Date.now() - 5 * 60_000).toISOString(),
              next_check_at: new Date(Date.now() + 25 * 60_000 - 1000).toISOString(),
              last_error: { id: "feed-failed-status", args: { status: 503 } },
            },
          ],
          vigie_feed: {
            available: false, enabled: true, url: null, custom_url: false, state: "off",
            sequence: 2026120100, shipped_sequence: 2026120100, last_error: { id: "feed-off-no-build" },
          },
        },
      })),
      addSubscription: vi.fn(async () => { throw new real.ApiError("invalid", "this address is already subscribed, as \"Liste communautaire\"", { id: "api-subscription-exists", args: { name: "Liste communautaire" } }); }),
      changeSubscription: vi.fn(async (id: string, change: { enabled?: boolean }) => ({
        id, name: "Liste communautaire", url: "https://listes.example.org/randomchat.txt", format: "auto",
        refresh_secs: 86400, enabled: change.enabled ?? true, state: change.enabled === false ? "off" : "ok", domains: 412,
      })),
      removeSubscription: vi.fn(async () => {}),
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
    // Who needs no password is shown, by name, and how only an administrator changes it.
    expect(root.querySelector("#parents-title")?.textContent).toBe("Comptes parents");
    expect([...root.querySelectorAll("#parents-list li")].map((li) => li.textContent)).toEqual(["Léa Martin (lea)", "papa"]);
    expect(root.querySelector("#parents-card .hint")?.textContent).toContain("sudo vigie install --parent NOM");
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

  it("shows the list feeds in French: host, state, domains, why it fails, and asks before removing", async () => {
    useLanguage("fr");
    const root = document.body.appendChild(document.createElement("div"));
    await renderSites(root);
    const row = root.querySelector<HTMLElement>("li.feed[data-feed='sub-3f2a9c01b7de']")!;
    expect(row.dataset.state).toBe("failing");
    expect(row.querySelector(".feed-host")?.textContent).toBe("listes.example.org");
    expect(row.querySelector(".feed-name")?.textContent).toBe("Liste communautaire");
    expect(row.querySelector(".feed-state")?.textContent).toBe("En échec");
    expect(row.querySelector(".feed-domains")?.textContent).toBe("412 domaines");
    expect(row.querySelector(".feed-url")?.textContent).toContain("Vérifiée tous les jours.");
    expect(row.querySelector(".feed-error")?.textContent).toBe("La dernière vérification, il y a 5 minutes, a échoué\u00a0: le serveur a répondu 503.");
    expect(row.querySelector(".feed-line")?.textContent).toBe("La copie téléchargée il y a 3 jours reste en vigueur. Prochain essai dans 25 minutes.");
    expect(root.querySelector("#feeds-title")?.textContent).toBe("Listes en ligne");
    expect(root.querySelector("#vigie-feed-state")?.textContent).toBe(
      "Cette copie de Vigie n’a pas de liste en ligne\u00a0: les listes se mettent à jour avec les nouvelles versions.");
    expect(root.querySelector("#vigie-feed-toggle")).toBeNull();

    // The address is checked as it is typed; a refusal of the service is said in French.
    const url = root.querySelector<HTMLInputElement>("#feed-url")!;
    url.value = "listes.example.org";
    url.dispatchEvent(new Event("input"));
    expect(root.querySelector("#feed-url-preview")?.textContent).toMatch(/n’est pas une adresse web/);
    url.value = "https://listes.example.org/randomchat.txt";
    url.dispatchEvent(new Event("input"));
    expect(root.querySelector("#feed-url-preview")?.textContent).toBe("Depuis listes.example.org");
    expect(root.querySelector<HTMLInputElement>("#feed-name")?.placeholder).toBe("facultatif\u00a0: listes.example.org si vous le laissez vide");
    root.querySelector<HTMLFormElement>("#feed-form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(root.querySelector("#feed-message")?.textContent).toBe(
      "cette adresse est déjà suivie, sous le nom «\u202fListe communautaire\u202f»"));
    expect(vi.mocked(api.addSubscription)).toHaveBeenCalledWith({ url: "https://listes.example.org/randomchat.txt" }, '"7"');

    // Off, then "Remove" asks first; "Keep it" keeps it, "Yes" removes it.
    const toggle = root.querySelector<HTMLInputElement>("#feed-toggle-sub-3f2a9c01b7de")!;
    toggle.checked = false;
    toggle.dispatchEvent(new Event("change"));
    await vi.waitFor(() => expect(root.querySelector<HTMLElement>("li.feed")?.dataset.state).toBe("off"));
    expect(vi.mocked(api.changeSubscription)).toHaveBeenCalledWith("sub-3f2a9c01b7de", { enabled: false });
    expect(document.querySelector("#toast")?.textContent).toBe("«\u202fListe communautaire\u202f» est désactivée\u00a0: ses sites s’ouvrent normalement.");
    root.querySelector<HTMLButtonElement>("#feed-remove-sub-3f2a9c01b7de")!.click();
    expect(root.querySelector(".actions.confirm span")?.textContent).toBe(
      "Retirer «\u202fListe communautaire\u202f»\u202f? Ses sites s’ouvriront de nouveau, sauf si une autre liste les bloque.");
    expect(api.removeSubscription).not.toHaveBeenCalled();
    root.querySelector<HTMLButtonElement>("#feed-remove-no-sub-3f2a9c01b7de")!.click();
    expect(root.querySelector(".actions.confirm")).toBeNull();
    root.querySelector<HTMLButtonElement>("#feed-remove-sub-3f2a9c01b7de")!.click();
    root.querySelector<HTMLButtonElement>("#feed-remove-yes-sub-3f2a9c01b7de")!.click();
    await vi.waitFor(() => expect(api.removeSubscription).toHaveBeenCalledWith("sub-3f2a9c01b7de"));
  });
});
