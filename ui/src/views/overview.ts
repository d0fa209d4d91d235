// Overview: is the computer protected (and if not, why and how to fix it), attempts today,
// a chart of the last 30 days and the most-attempted sites.

import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { api, type Status } from "../api";
import { report, toast } from "../app";
import { h, fill } from "../dom";
import { count, shortDay } from "../logic/format";
import { protection } from "../logic/protection";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

let chart: Chart | null = null;

export async function renderOverview(root: HTMLElement, status: Status, refresh: () => void): Promise<void> {
  const p = protection(status);
  const actions = h("div", { class: "actions" });
  if (p.state === "paused") {
    actions.append(
      h("button", { id: "resume", class: "primary", onclick: async () => {
        try { await api.resume(); toast("Protection is back on."); refresh(); } catch (e) { report(e); }
      } }, "Resume protection"),
    );
  } else if (p.ok) {
    actions.append(
      h("button", { id: "pause-30", onclick: async () => {
        try { await api.pause(30); toast("Protection is paused for 30 minutes."); refresh(); } catch (e) { report(e); }
      } }, "Pause for 30 minutes"),
    );
  }
  const card = h(
    "section",
    { id: "protection", class: `card protection ${p.ok ? "ok" : "bad"}`, "data-state": p.state, "aria-labelledby": "protection-title" },
    h("h2", { id: "protection-title" }, p.headline),
    h("p", {}, p.detail),
    p.fix ? h("p", { class: "fix" }, h("strong", {}, "What to do: "), p.fix) : null,
    status.journal_error ? h("p", { class: "fix" }, h("strong", {}, "Attempts are not being recorded: "), status.journal_error) : null,
    status.upstream_ok === false ? h("p", { class: "fix" }, "Vigie cannot reach the DNS servers it forwards to: allowed sites may not open. Check the internet connection, or pick another server in Settings.") : null,
    actions,
  );
  const today = h("section", { class: "card stat", "aria-labelledby": "today-title" },
    h("h2", { id: "today-title" }, "Attempts today"),
    h("p", { id: "attempts-today", class: "big" }, String(status.attempts_today)),
    h("p", { class: "hint" }, `${count(status.blocked, "lookup")} blocked of ${count(status.queries, "lookup")} since Vigie started.`),
  );
  const canvas = h("canvas", { id: "chart", role: "img", "aria-label": "Attempts per day over the last 30 days" });
  const chartCard = h("section", { class: "card chart-card", "aria-labelledby": "chart-title" },
    h("h2", { id: "chart-title" }, "Attempts per day, last 30 days"),
    h("div", { class: "chart-box" }, canvas),
  );
  const top = h("ol", { id: "top-sites" });
  const topCard = h("section", { class: "card", "aria-labelledby": "top-title" }, h("h2", { id: "top-title" }, "Most attempted sites"), top);
  fill(root, card, h("div", { class: "grid" }, today, topCard), chartCard);

  try {
    const summary = await api.summary(30);
    if (summary.sites.length === 0) top.append(h("li", { class: "empty" }, "No attempts in the last 30 days."));
    for (const s of summary.sites.slice(0, 8)) top.append(h("li", {}, h("span", {}, s.site), " ", h("span", { class: "count" }, count(s.count, "attempt"))));
    chart?.destroy();
    chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: summary.days.map((d) => shortDay(d.date)),
        datasets: [{ label: "Attempts", data: summary.days.map((d) => d.count), backgroundColor: "#1f6f5c" }],
      },
      options: {
        animation: false,
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
