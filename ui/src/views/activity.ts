// Activity: every attempt, newest first, with search, a site filter, a date range, paging and
// CSV export.

import { api, type Filter } from "../api";
import { report } from "../app";
import { fill, h, say } from "../dom";
import { when } from "../logic/format";
import { Pager } from "../logic/paging";

const PAGE = 50;

export async function renderActivity(root: HTMLElement): Promise<void> {
  const q = h("input", { id: "q", type: "search", placeholder: "Search names, sites, devices" });
  const site = h("select", { id: "site-filter" }, h("option", { value: "" }, "All sites"));
  const from = h("input", { id: "from", type: "date" });
  const to = h("input", { id: "to", type: "date" });
  const body = h("tbody", { id: "attempts" });
  const prev = h("button", { id: "prev", type: "button" }, "Newer");
  const next = h("button", { id: "next", type: "button" }, "Older");
  const page = h("span", { id: "page", class: "hint" });
  const message = h("p", { id: "activity-message", class: "message", role: "status", hidden: true });
  const exportButton = h("button", { id: "export", type: "button" }, "Export as CSV");
  const pager = new Pager();

  const filter = (): Filter => ({ q: q.value, site: site.value, from: from.value, to: to.value });
  const load = async () => {
    try {
      const p = await api.attempts({ ...filter(), limit: PAGE, cursor: pager.cursor });
      pager.loaded(p.next_cursor);
      if (p.entries.length === 0) {
        fill(body, h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No attempts match.")));
      } else {
        fill(body, p.entries.map((a) =>
          h("tr", { "data-name": a.name },
            h("td", {}, when(a.time)),
            h("td", {}, a.site),
            h("td", {}, h("code", {}, a.name), a.cname ? h("span", { class: "hint" }, ` via ${a.cname}`) : null),
            h("td", {}, a.client),
            h("td", { class: "num" }, String(a.count)))));
      }
      prev.disabled = !pager.hasPrevious;
      next.disabled = !pager.hasNext;
      page.textContent = `Page ${pager.page}`;
    } catch (e) {
      report(e, message);
    }
  };
  const restart = () => { pager.reset(); void load(); };
  let typing: ReturnType<typeof setTimeout> | null = null;
  q.addEventListener("input", () => { if (typing) clearTimeout(typing); typing = setTimeout(restart, 250); });
  for (const el of [site, from, to]) el.addEventListener("change", restart);
  prev.addEventListener("click", () => { pager.back(); void load(); });
  next.addEventListener("click", () => { pager.forward(); void load(); });
  exportButton.addEventListener("click", async () => {
    try {
      const path = await api.exportCsv(filter());
      say(message, `Saved every matching attempt to ${path}. It opens in any spreadsheet.`, "ok");
    } catch (e) {
      report(e, message);
    }
  });

  fill(root,
    h("section", { class: "card", "aria-labelledby": "activity-title" },
      h("h2", { id: "activity-title" }, "Attempts to open blocked sites"),
      h("div", { class: "filters" },
        h("label", {}, "Search", q),
        h("label", {}, "Site", site),
        h("label", {}, "From", from),
        h("label", {}, "To", to),
        exportButton),
      message,
      h("table", {},
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "When"), h("th", { scope: "col" }, "Site"), h("th", { scope: "col" }, "Name looked up"), h("th", { scope: "col" }, "Device"), h("th", { scope: "col", class: "num" }, "Lookups"))),
        body),
      h("div", { class: "actions pager" }, prev, page, next)));

  try {
    const summary = await api.summary(366);
    for (const s of summary.sites) site.append(h("option", { value: s.site }, s.site));
  } catch (e) {
    report(e, message);
  }
  await load();
}
