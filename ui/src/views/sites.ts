// Sites: one box that takes anything pasted and shows what it becomes before saving; the
// parent's own sites and the allowlist; the shipped lists with on/off and their sites;
// t("sites-test-title"); the list feeds (`./feeds`).

import { api, type Check, type Editable, type ListSummary, type Preview, type SiteView } from "../api";
import { report, toast } from "../app";
import { byId, fill, h, say } from "../dom";
import { localized, said, t } from "../i18n";
import { previewText } from "../logic/preview";
import { loadFeeds, renderFeeds } from "./feeds";

let sitesEtag: string | null = null;

export async function renderSites(root: HTMLElement): Promise<void> {
  const input = h("input", { id: "site-input", type: "text", autocomplete: "off", spellcheck: "false", placeholder: t("sites-input-placeholder"), "aria-describedby": "site-preview" });
  const name = h("input", { id: "site-name", type: "text", autocomplete: "off", placeholder: t("sites-name-placeholder") });
  const preview = h("p", { id: "site-preview", class: "preview", "aria-live": "polite" });
  const block = h("button", { id: "site-add", type: "submit", class: "primary", disabled: true }, t("sites-block"));
  const allow = h("button", { id: "allow-add", type: "button", disabled: true }, t("sites-allow"));
  const message = h("p", { id: "site-message", class: "message", role: "status", hidden: true });
  let last: Preview = { outcome: "empty" };
  let seq = 0;
  const update = async () => {
    const mine = ++seq;
    try {
      const p = await api.previewSite(input.value);
      if (mine !== seq) return;
      last = p;
      const t = previewText(p);
      preview.textContent = t.text;
      preview.dataset.kind = t.kind;
      block.disabled = allow.disabled = p.outcome !== "domain";
    } catch (e) {
      report(e, message);
    }
  };
  input.addEventListener("input", update);
  const form = h("form", { class: "card", "aria-labelledby": "add-title" },
    h("h2", { id: "add-title" }, t("sites-add-title")),
    h("p", { class: "hint" }, t("sites-add-hint")),
    h("label", { for: "site-input" }, t("sites-input-label")), input, preview,
    h("label", { for: "site-name" }, t("sites-name-label")), name,
    h("div", { class: "actions" }, block, allow), message,
  );
  const save = async (what: "block" | "allow") => {
    if (last.outcome !== "domain") return;
    try {
      const added = what === "block"
        ? await api.addSite(input.value, name.value || null, sitesEtag)
        : await api.allow(input.value, name.value || null);
      say(message, what === "block"
        ? t("sites-saved-blocked", { domain: added.domain })
        : t("sites-saved-allowed", { domain: added.domain }), "ok");
      input.value = "";
      name.value = "";
      await update();
      await loadMine();
    } catch (e) {
      const err = report(e, message);
      if (err.kind === "conflict") {
        say(message, t("sites-conflict"), "error");
        await loadMine();
      }
    }
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); void save("block"); });
  allow.addEventListener("click", () => void save("allow"));

  const testInput = h("input", { id: "test-input", type: "text", autocomplete: "off", spellcheck: "false", placeholder: t("sites-test-placeholder") });
  const testResult = h("p", { id: "test-result", class: "message", role: "status", hidden: true });
  const test = h("form", { class: "card", "aria-labelledby": "test-title" },
    h("h2", { id: "test-title" }, t("sites-test-title")),
    h("label", { for: "test-input" }, t("sites-test-label")), testInput,
    h("div", { class: "actions" }, h("button", { id: "test-button", type: "submit" }, t("sites-test-button"))), testResult,
  );
  test.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const c = await api.checkName(testInput.value);
      say(testResult, said(c.message, c.explanation), verdictKind(c.verdict));
      testResult.dataset.verdict = c.verdict;
    } catch (err) {
      report(err, testResult);
    }
  });

  fill(root,
    h("div", { class: "grid" }, form, test),
    h("section", { class: "card", "aria-labelledby": "mine-title" }, h("h2", { id: "mine-title" }, t("sites-mine-title")), h("ul", { id: "my-sites", class: "rows" })),
    h("section", { class: "card", "aria-labelledby": "allowed-title" }, h("h2", { id: "allowed-title" }, t("sites-allowed-title")), h("p", { class: "hint" }, t("sites-allowed-hint")), h("ul", { id: "allowed", class: "rows" })),
    h("section", { class: "card", "aria-labelledby": "lists-title" }, h("h2", { id: "lists-title" }, t("sites-lists-title")), h("div", { id: "lists" })),
    ...renderFeeds(),
  );
  await Promise.all([loadMine(), loadLists(), loadFeeds()]);
}

/** How a "Test a name" answer looks: blocked in red, paused (it opens for now) as a warning. */
export function verdictKind(verdict: Check["verdict"]): "ok" | "error" | "warn" | "info" {
  switch (verdict) {
    case "blocked":
      return "error";
    case "paused":
      return "warn";
    case "invalid":
      return "info";
    default:
      return "ok";
  }
}

function rows(id: string, e: Editable, remove: (domain: string) => Promise<void>, empty: string): void {
  const ul = byId(id);
  const items = e.value.sites.flatMap((s) => s.domains.map((d) => ({ site: s.name, domain: d })));
  if (items.length === 0) return fill(ul, h("li", { class: "empty" }, empty));
  fill(ul, items.map(({ site, domain }) =>
    h("li", { "data-domain": domain },
      site !== domain ? h("span", { class: "site" }, site) : null, " ", h("code", {}, domain),
      h("button", { class: "small", "aria-label": t("sites-remove-label", { domain }), onclick: async () => {
        try { await remove(domain); toast(t("sites-removed", { domain })); await loadMine(); } catch (err) { report(err); }
      } }, t("sites-remove")))));
}

async function loadMine(): Promise<void> {
  try {
    const [mine, allowed] = await Promise.all([api.mySites(), api.allowlist()]);
    sitesEtag = mine.etag;
    rows("my-sites", mine, api.removeSite, t("sites-mine-empty"));
    rows("allowed", allowed, api.unallow, t("sites-allowed-empty"));
  } catch (e) {
    report(e);
  }
}

async function loadLists(): Promise<void> {
  try {
    const lists = (await api.lists()).filter((l) => l.shipped);
    fill(byId("lists"), lists.map(listCard));
  } catch (e) {
    report(e);
  }
}

function listCard(l: ListSummary): HTMLElement {
  const toggle = h("input", { id: `list-toggle-${l.id}`, type: "checkbox", role: "switch", checked: l.enabled });
  const state = h("span", { class: "list-state" }, l.enabled ? t("sites-list-on") : t("sites-list-off"));
  toggle.addEventListener("change", async () => {
    try {
      const s = await api.setListEnabled(l.id, toggle.checked);
      state.textContent = s.enabled ? t("sites-list-on") : t("sites-list-off");
      const list = localized(s.name, s.name_translations);
      toast(s.enabled ? t("sites-list-turned-on", { list }) : t("sites-list-turned-off", { list }));
    } catch (e) {
      toggle.checked = !toggle.checked;
      report(e);
    }
  });
  const name = localized(l.name, l.name_translations);
  const search = h("input", { type: "search", placeholder: t("sites-list-search"), "aria-label": t("sites-list-search-label", { list: name }) });
  const list = h("ul", { class: "list-sites" });
  const details = h("details", {}, h("summary", {}, t("sites-list-show", { count: l.sites })), search, list);
  let loaded = false;
  let sites: SiteView[] = [];
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    fill(list, sites
      .filter((s) => !q || s.name.toLowerCase().includes(q) || s.domains.some((d) => d.includes(q)))
      .map((s) => {
        const note = s.note ? localized(s.note, s.note_translations) : null;
        return h("li", {}, h("strong", {}, s.name), " ", h("span", { class: "hint" }, s.domains.join(", ")),
          note ? h("p", { class: "note" }, note) : null);
      }));
  };
  details.addEventListener("toggle", async () => {
    if (!details.open || loaded) return;
    try {
      sites = (await api.listDetail(l.id)).sites;
      loaded = true;
      draw();
    } catch (e) {
      report(e);
    }
  });
  search.addEventListener("input", draw);
  return h("div", { class: "list", "data-list": l.id },
    h("div", { class: "list-head" },
      h("label", { class: "switch", for: `list-toggle-${l.id}` }, toggle, h("strong", {}, name), " ", state),
      h("span", { class: "hint" }, t("sites-list-counts", { sites: l.sites, domains: l.domains }))),
    h("p", { class: "hint" }, localized(l.description, l.description_translations)),
    details);
}
