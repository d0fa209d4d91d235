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
    },
  };
});

import { setShell } from "./app";
import { api, ApiError } from "./api";
import { report } from "./app";
import { verdictKind } from "./views/sites";
import { setSessionLanguage, useLanguage } from "./i18n";
import { languageChoice } from "./logic/language-choice";
import { renderActivity } from "./views/activity";
import { renderLock } from "./views/lock";
import { renderSettings } from "./views/settings";

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
