// Sites: one box that takes anything pasted and shows what it becomes before saving; the
// parent's own sites and the allowlist; the shipped lists with on/off and their sites;
// "Test a name".

import { api, type Editable, type ListSummary, type Preview } from "../api";
import { report, toast } from "../app";
import { byId, fill, h, say } from "../dom";
import { count } from "../logic/format";
import { previewText } from "../logic/preview";

let sitesEtag: string | null = null;

export async function renderSites(root: HTMLElement): Promise<void> {
  const input = h("input", { id: "site-input", type: "text", autocomplete: "off", spellcheck: "false", placeholder: "https://www.example.com/page", "aria-describedby": "site-preview" });
  const name = h("input", { id: "site-name", type: "text", autocomplete: "off", placeholder: "optional, e.g. Example chat" });
  const preview = h("p", { id: "site-preview", class: "preview", "aria-live": "polite" });
  const block = h("button", { id: "site-add", type: "submit", class: "primary", disabled: true }, "Block this site");
  const allow = h("button", { id: "allow-add", type: "button", disabled: true }, "Allow it instead");
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
    h("h2", { id: "add-title" }, "Block a site"),
    h("p", { class: "hint" }, "Paste anything: an address from the browser, a name with www., capitals. Vigie shows what it will block before you save."),
    h("label", { for: "site-input" }, "Address or name"), input, preview,
    h("label", { for: "site-name" }, "Name to show (optional)"), name,
    h("div", { class: "actions" }, block, allow), message,
  );
  const save = async (what: "block" | "allow") => {
    if (last.outcome !== "domain") return;
    try {
      const added = what === "block"
        ? await api.addSite(input.value, name.value || null, sitesEtag)
        : await api.allow(input.value, name.value || null);
      say(message, what === "block"
        ? `Saved: ${added.domain} and everything under it is blocked now.`
        : `Saved: ${added.domain} is allowed now, whatever the lists say.`, "ok");
      input.value = "";
      name.value = "";
      await update();
      await loadMine();
    } catch (e) {
      const err = report(e, message);
      if (err.kind === "conflict") {
        say(message, "Your sites were changed elsewhere meanwhile. The list below is up to date now: check it, then save again.", "error");
        await loadMine();
      }
    }
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); void save("block"); });
  allow.addEventListener("click", () => void save("allow"));

  const testInput = h("input", { id: "test-input", type: "text", autocomplete: "off", spellcheck: "false", placeholder: "www.omegle.com" });
  const testResult = h("p", { id: "test-result", class: "message", role: "status", hidden: true });
  const test = h("form", { class: "card", "aria-labelledby": "test-title" },
    h("h2", { id: "test-title" }, "Test a name"),
    h("label", { for: "test-input" }, "Name or address"), testInput,
    h("div", { class: "actions" }, h("button", { id: "test-button", type: "submit" }, "Test")), testResult,
  );
  test.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const c = await api.checkName(testInput.value);
      say(testResult, c.explanation, c.verdict === "blocked" ? "error" : c.verdict === "invalid" ? "info" : "ok");
      testResult.dataset.verdict = c.verdict;
    } catch (err) {
      report(err, testResult);
    }
  });

  fill(root,
    h("div", { class: "grid" }, form, test),
    h("section", { class: "card", "aria-labelledby": "mine-title" }, h("h2", { id: "mine-title" }, "Your blocked sites"), h("ul", { id: "my-sites", class: "rows" })),
    h("section", { class: "card", "aria-labelledby": "allowed-title" }, h("h2", { id: "allowed-title" }, "Always allowed"), h("p", { class: "hint" }, "An allowed site opens even if a list blocks it."), h("ul", { id: "allowed", class: "rows" })),
    h("section", { class: "card", "aria-labelledby": "lists-title" }, h("h2", { id: "lists-title" }, "Lists that come with Vigie"), h("div", { id: "lists" })),
  );
  await Promise.all([loadMine(), loadLists()]);
}

function rows(id: string, e: Editable, remove: (domain: string) => Promise<void>, empty: string): void {
  const ul = byId(id);
  const items = e.detail.sites.flatMap((s) => s.domains.map((d) => ({ site: s.name, domain: d })));
  if (items.length === 0) return fill(ul, h("li", { class: "empty" }, empty));
  fill(ul, items.map(({ site, domain }) =>
    h("li", { "data-domain": domain },
      site !== domain ? h("span", { class: "site" }, site) : null, " ", h("code", {}, domain),
      h("button", { class: "small", "aria-label": `Remove ${domain}`, onclick: async () => {
        try { await remove(domain); toast(`Removed ${domain}. It applies now.`); await loadMine(); } catch (err) { report(err); }
      } }, "Remove"))));
}

async function loadMine(): Promise<void> {
  try {
    const [mine, allowed] = await Promise.all([api.mySites(), api.allowlist()]);
    sitesEtag = mine.etag;
    rows("my-sites", mine, api.removeSite, "None yet: paste an address above to block a site.");
    rows("allowed", allowed, api.unallow, "Nothing is allowed over the lists.");
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
  const state = h("span", { class: "list-state" }, l.enabled ? "On" : "Off");
  toggle.addEventListener("change", async () => {
    try {
      const s = await api.setListEnabled(l.id, toggle.checked);
      state.textContent = s.enabled ? "On" : "Off";
      toast(`${s.name} is ${s.enabled ? "on: its sites are blocked" : "off: its sites open normally"} now.`);
    } catch (e) {
      toggle.checked = !toggle.checked;
      report(e);
    }
  });
  const search = h("input", { type: "search", placeholder: "Search this list", "aria-label": `Search ${l.name}` });
  const list = h("ul", { class: "list-sites" });
  const details = h("details", {}, h("summary", {}, `Show its ${count(l.sites, "site")}`), search, list);
  let loaded = false;
  let sites: { name: string; domains: string[] }[] = [];
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    fill(list, sites
      .filter((s) => !q || s.name.toLowerCase().includes(q) || s.domains.some((d) => d.includes(q)))
      .map((s) => h("li", {}, h("strong", {}, s.name), " ", h("span", { class: "hint" }, s.domains.join(", ")))));
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
      h("label", { class: "switch", for: `list-toggle-${l.id}` }, toggle, h("strong", {}, l.name), " ", state),
      h("span", { class: "hint" }, `${count(l.sites, "site")}, ${count(l.domains, "domain")}`)),
    h("p", { class: "hint" }, l.description),
    details);
}
