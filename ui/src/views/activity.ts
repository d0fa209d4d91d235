// Activity: every attempt, newest first, with who made it, search, a site and an account filter,
// a date range, paging and CSV export.

import { api, type Attempt, type Filter } from "../api";
import { report } from "../app";
import { fill, h, say } from "../dom";
import { siteName, t } from "../i18n";
import { accountOption, accountValue, number, when, who } from "../logic/format";
import { Pager } from "../logic/paging";

const PAGE = 50;

export async function renderActivity(root: HTMLElement): Promise<void> {
  const q = h("input", { id: "q", type: "search", placeholder: t("activity-search-placeholder") });
  const site = h("select", { id: "site-filter" }, h("option", { value: "" }, t("activity-all-sites")));
  const account = h("select", { id: "account-filter" }, h("option", { value: "" }, t("activity-all-accounts")));
  const from = h("input", { id: "from", type: "date" });
  const to = h("input", { id: "to", type: "date" });
  const body = h("tbody", { id: "attempts" });
  const prev = h("button", { id: "prev", type: "button" }, t("activity-newer"));
  const next = h("button", { id: "next", type: "button" }, t("activity-older"));
  const page = h("span", { id: "page", class: "hint" });
  const message = h("p", { id: "activity-message", class: "message", role: "status", hidden: true });
  const exportButton = h("button", { id: "export", type: "button" }, t("activity-export"));
  const pager = new Pager();

  const filter = (): Filter => ({ q: q.value, site: site.value, account: account.value, from: from.value, to: to.value });
  const load = async () => {
    try {
      const p = await api.attempts({ ...filter(), limit: PAGE, cursor: pager.cursor });
      pager.loaded(p.next_cursor);
      if (p.entries.length === 0) {
        fill(body, h("tr", {}, h("td", { colspan: 5, class: "empty" }, t("activity-empty"))));
      } else {
        fill(body, p.entries.map((a) =>
          h("tr", { "data-name": a.name },
            h("td", {}, when(a.time)),
            h("td", {}, siteName(a.site, a.brand)),
            h("td", {}, h("code", {}, a.name), a.cname ? [" ", h("span", { class: "hint" }, t("activity-via", { cname: a.cname }))] : null),
            whoCell(a),
            h("td", { class: "num" }, number(a.count)))));
      }
      prev.disabled = !pager.hasPrevious;
      next.disabled = !pager.hasNext;
      page.textContent = t("activity-page", { page: pager.page });
    } catch (e) {
      report(e, message);
    }
  };
  const restart = () => { pager.reset(); void load(); };
  let typing: ReturnType<typeof setTimeout> | null = null;
  q.addEventListener("input", () => { if (typing) clearTimeout(typing); typing = setTimeout(restart, 250); });
  for (const el of [site, account, from, to]) el.addEventListener("change", restart);
  prev.addEventListener("click", () => { pager.back(); void load(); });
  next.addEventListener("click", () => { pager.forward(); void load(); });
  exportButton.addEventListener("click", async () => {
    try {
      const path = await api.exportCsv(filter());
      say(message, t("activity-exported", { path }), "ok");
    } catch (e) {
      report(e, message);
    }
  });

  fill(root,
    h("section", { class: "card", "aria-labelledby": "activity-title" },
      h("h2", { id: "activity-title" }, t("activity-title")),
      h("div", { class: "filters" },
        h("label", {}, t("activity-search"), q),
        h("label", {}, t("activity-site"), site),
        h("label", {}, t("activity-account"), account),
        h("label", {}, t("activity-from"), from),
        h("label", {}, t("activity-to"), to),
        exportButton),
      message,
      h("table", {},
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("activity-col-when")), h("th", { scope: "col" }, t("activity-col-site")), h("th", { scope: "col" }, t("activity-col-name")), h("th", { scope: "col" }, t("activity-col-who")), h("th", { scope: "col", class: "num" }, t("activity-col-lookups")))),
        body),
      h("div", { class: "actions pager" }, prev, page, next)));

  try {
    const summary = await api.summary(366);
    for (const s of summary.sites) site.append(h("option", { value: s.site }, siteName(s.site, s.brand)));
    const accounts = summary.accounts ?? [];
    for (const a of accounts) {
      account.append(h("option", { value: accountValue(a.account) }, accountOption(a.account)));
    }
    // "This computer" (account unknown) is always offered: a parent looking for what came
    // through a stub resolver should find the choice, even when it has nothing.
    if (!accounts.some((a) => a.account === null)) {
      account.append(h("option", { value: accountValue(null) }, accountOption(null)));
    }
  } catch (e) {
    report(e, message);
  }
  await load();
}

/** The "who" cell: the account or "this computer", with the program or the stub below it. */
function whoCell(a: Attempt): HTMLElement {
  const w = who(a);
  return h("td", { class: "who" }, w.who, w.detail ? [" ", h("span", { class: "hint" }, w.detail)] : null);
}
