// Overview: is the computer protected (and if not, why and how to fix it), attempts today,
// a chart of the last 30 days and the most-attempted sites.

import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { api, type Status } from "../api";
import { report, toast } from "../app";
import { h, fill } from "../dom";
import { intlLocale, siteName, t } from "../i18n";
import { number, shortDay } from "../logic/format";
import { coverage } from "../logic/coverage";
import { dnsProblem } from "../logic/dns-health";
import { protection } from "../logic/protection";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

let chart: Chart | null = null;

const PAUSE_MINUTES = 30;
const DAYS = 30;

export async function renderOverview(root: HTMLElement, status: Status, refresh: () => void): Promise<void> {
  const p = protection(status);
  const dns = dnsProblem(status);
  const actions = h("div", { class: "actions" });
  if (p.state === "paused") {
    actions.append(
      h("button", { id: "resume", class: "primary", onclick: async () => {
        try { await api.resume(); toast(t("overview-resumed")); refresh(); } catch (e) { report(e); }
      } }, t("overview-resume")),
    );
  } else if (p.ok) {
    actions.append(
      h("button", { id: "pause-30", onclick: async () => {
        try { await api.pause(PAUSE_MINUTES); toast(t("overview-paused", { minutes: PAUSE_MINUTES })); refresh(); } catch (e) { report(e); }
      } }, t("overview-pause", { minutes: PAUSE_MINUTES })),
    );
  }
  const card = h(
    "section",
    { id: "protection", class: `card protection ${p.ok ? "ok" : "bad"}`, "data-state": p.state, "aria-labelledby": "protection-title" },
    h("h2", { id: "protection-title" }, p.headline),
    h("p", {}, p.detail),
    p.fix ? h("p", { class: "fix" }, h("strong", {}, t("overview-what-to-do")), " ", p.fix) : null,
    status.journal_error ? h("p", { class: "fix" }, h("strong", {}, t("overview-journal-error")), " ", status.journal_error) : null,
    dns ? h("p", { id: "dns-problem", class: "fix" }, dns) : null,
    status.dnssec_in_front ? h("p", { id: "dnssec-in-front", class: "fix" }, t("overview-dnssec-in-front", { value: status.dnssec_in_front })) : null,
    actions,
  );
  const covered = h("section", { id: "coverage", class: "card", "aria-labelledby": "coverage-title" },
    h("h2", { id: "coverage-title" }, t("overview-coverage-title")),
    h("ul", { class: "coverage" }, ...coverage(status).map((c) =>
      h("li", { id: `coverage-${c.id}`, class: c.ok === true ? "ok" : c.ok === false ? "bad" : "unknown" },
        c.ok === true ? "✓ " : c.ok === false ? "✗ " : "… ", c.text))));
  const today = h("section", { class: "card stat", "aria-labelledby": "today-title" },
    h("h2", { id: "today-title" }, t("overview-today-title")),
    h("p", { id: "attempts-today", class: "big" }, number(status.attempts_today)),
    h("p", { class: "hint" }, t("overview-since-start", { blocked: status.blocked, queries: status.queries })),
  );
  const canvas = h("canvas", { id: "chart", role: "img", "aria-label": t("overview-chart-label", { days: DAYS }) });
  const chartCard = h("section", { class: "card chart-card", "aria-labelledby": "chart-title" },
    h("h2", { id: "chart-title" }, t("overview-chart-title", { days: DAYS })),
    h("div", { class: "chart-box" }, canvas),
  );
  const top = h("ol", { id: "top-sites" });
  const topCard = h("section", { class: "card", "aria-labelledby": "top-title" }, h("h2", { id: "top-title" }, t("overview-top-title")), top);
  fill(root, card, covered, h("div", { class: "grid" }, today, topCard), chartCard);

  try {
    const summary = await api.summary(DAYS);
    if (summary.sites.length === 0) top.append(h("li", { class: "empty" }, t("overview-top-empty", { days: DAYS })));
    for (const s of summary.sites.slice(0, 8)) top.append(h("li", {}, h("span", {}, siteName(s.site, s.brand)), " ", h("span", { class: "count" }, t("overview-attempts", { count: s.count }))));
    chart?.destroy();
    chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: summary.days.map((d) => shortDay(d.date)),
        datasets: [{ label: t("overview-chart-dataset"), data: summary.days.map((d) => d.count), backgroundColor: "#1f6f5c" }],
      },
      options: {
        animation: false,
        locale: intlLocale(),
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } },
      },
    });
  } catch (e) {
    report(e);
  }
}
