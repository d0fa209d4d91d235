// Settings: where allowed lookups go, how blocked ones are answered, notices, how long
// attempts are kept, the console's language and the parent password.

import { api, type Account, type Protocol, type Settings, type Status } from "../api";
import { languageChanged, report, toast } from "../app";
import { fill, h, say } from "../dom";
import { dnsInUse } from "../logic/dns-health";
import { PRESETS, presetOf, upstreamFor } from "../logic/presets";
import { t, type LanguageChoice } from "../i18n";
import { applyLanguage, choiceFromSettings, languageChoice, saveLanguageChoice } from "../logic/language-choice";
import { newPasswordProblem, strength, strengthLine } from "../logic/strength";

export async function renderSettings(root: HTMLElement, locked: () => void): Promise<void> {
  const message = h("p", { id: "settings-message", class: "message", role: "status", hidden: true });
  const form = h("form", { id: "settings-form", class: "card", "aria-labelledby": "settings-title" });
  const password = passwordCard(locked);
  const language = languageCard();
  const parents = parentsCard();
  fill(root, form, language.card, parents.card, password);

  let etag = "";
  let current: Settings;
  let inUse: string | null = null;
  const load = async () => {
    const v = await api.getSettings();
    etag = v.etag;
    current = v.value;
    const status: Status | null = await Promise.resolve().then(() => api.status()).catch(() => null);
    inUse = status ? dnsInUse(status) : null;
    parents.show(status?.parent_accounts ?? []);
    language.show(choiceFromSettings(current));
    draw();
  };

  const draw = () => {
    const s = current;
    const chosen = presetOf(s.upstream);
    const custom = s.upstream[0];
    const radios = [...PRESETS.map((p) => ({ id: p.id, label: p.label(), description: p.description() })),
      { id: "custom", label: t("upstream-custom-label"), description: t("upstream-custom-description") }]
      .map((p) => h("label", { class: "radio" },
        h("input", { type: "radio", name: "upstream", value: p.id, id: `upstream-${p.id}`, checked: p.id === chosen }),
        h("span", {}, h("strong", {}, p.label), h("br", {}), h("span", { class: "hint" }, p.description))));
    const address = h("input", { id: "custom-address", type: "text", value: chosen === "custom" && custom ? custom.address : "" });
    const protocol = h("select", { id: "custom-protocol" },
      ...(["udp", "tcp", "tls", "https"] as Protocol[]).map((p) =>
        h("option", { value: p, selected: chosen === "custom" && custom?.protocol === p }, { udp: t("upstream-protocol-udp"), tcp: t("upstream-protocol-tcp"), tls: t("upstream-protocol-tls"), https: t("upstream-protocol-https") }[p])));
    const serverName = h("input", { id: "custom-server-name", type: "text", value: chosen === "custom" && custom ? custom["server-name"] ?? "" : "" });
    const mode = h("select", { id: "block-mode" },
      h("option", { value: "blockpage", selected: s.blocking.mode === "blockpage" }, t("settings-block-mode-blockpage")),
      h("option", { value: "null", selected: s.blocking.mode === "null" }, t("settings-block-mode-null")),
      h("option", { value: "nxdomain", selected: s.blocking.mode === "nxdomain" }, t("settings-block-mode-nxdomain")));
    const notices = h("input", { id: "notices", type: "checkbox", checked: s.notices.enabled });
    const retention = h("input", { id: "retention", type: "number", min: 1, max: 3650, value: s.journal["retention-days"] });
    fill(form,
      h("h2", { id: "settings-title" }, t("settings-title")),
      h("fieldset", {}, h("legend", {}, t("settings-upstream-legend")),
        inUse ? h("p", { id: "dns-in-use", class: "hint" }, inUse) : null, ...radios,
        h("div", { class: "custom" },
          h("label", { for: "custom-address" }, t("settings-custom-address")), address,
          h("label", { for: "custom-protocol" }, t("settings-custom-protocol")), protocol,
          h("label", { for: "custom-server-name" }, t("settings-custom-server-name")), serverName)),
      h("label", { for: "block-mode" }, t("settings-block-mode")), mode,
      h("label", { class: "check", for: "notices" }, notices, " ", t("settings-notices")),
      h("label", { for: "retention" }, t("settings-retention")), retention,
      message,
      h("div", { class: "actions" }, h("button", { id: "save-settings", type: "submit", class: "primary" }, t("settings-save"))));
    form.onsubmit = async (e) => {
      e.preventDefault();
      const choice = (form.querySelector("input[name=upstream]:checked") as HTMLInputElement | null)?.value ?? "system";
      const upstream = upstreamFor(choice, { address: address.value, protocol: protocol.value as Protocol, serverName: serverName.value });
      if ("problem" in upstream) return say(message, upstream.problem, "error");
      const days = Number(retention.value);
      if (!Number.isInteger(days) || days < 1) return say(message, t("settings-retention-too-short", { min: 1 }), "error");
      const next: Settings = {
        ...current,
        upstream,
        blocking: { ...current.blocking, mode: mode.value as Settings["blocking"]["mode"] },
        notices: { ...current.notices, enabled: notices.checked },
        journal: { ...current.journal, "retention-days": days },
      };
      try {
        const v = await api.putSettings(next, etag);
        etag = v.etag;
        current = v.value;
        language.show(choiceFromSettings(current));
        draw();
        say(message, t("settings-saved"), "ok");
        toast(t("settings-saved-toast"));
      } catch (err) {
        const e2 = report(err, message);
        if (e2.kind === "conflict") {
          await load();
          say(message, t("error-conflict"), "error");
        }
      }
    };
  };

  try {
    await load();
  } catch (e) {
    report(e, message);
  }
}

/**
 * Who is a parent without the password: shown so that no account has that power unseen, and
 * read-only, because only the computer's administrator may change it (the service refuses a
 * parent session).
 */
function parentsCard(): { card: HTMLElement; show: (accounts: Account[]) => void } {
  const body = h("div", { id: "parents-accounts" });
  const card = h("section", { id: "parents-card", class: "card", "aria-labelledby": "parents-title" },
    h("h2", { id: "parents-title" }, t("settings-parents-title")), body,
    h("p", { class: "hint" }, t("settings-parents-how")));
  const show = (accounts: Account[]) => {
    if (accounts.length === 0) {
      fill(body, h("p", {}, t("settings-parents-none")));
      return;
    }
    fill(body, h("p", {}, t("settings-parents-intro")),
      h("ul", { id: "parents-list" }, ...accounts.map((a) => h("li", {},
        a.full_name ? t("settings-parents-account-named", { person: a.full_name, login: a.name }) : a.name))));
  };
  return { card, show };
}

/**
 * The console's language: saved at once in the service's settings (`[console] language`, for
 * every parent on this computer) and applied at once.
 */
function languageCard(): { card: HTMLElement; show: (choice: LanguageChoice) => void } {
  const chosen = languageChoice();
  const message = h("p", { id: "language-message", class: "message", role: "status", hidden: true });
  const choices: [LanguageChoice, string][] = [
    ["auto", t("settings-language-auto")],
    ["fr", t("settings-language-fr")],
    ["en", t("settings-language-en")],
  ];
  const select = h("select", { id: "language" },
    ...choices.map(([value, label]) => h("option", { value, selected: value === chosen }, label)));
  select.addEventListener("change", async () => {
    try {
      applyLanguage(await saveLanguageChoice(select.value as LanguageChoice));
      languageChanged();
    } catch (err) {
      select.value = languageChoice();
      report(err, message);
    }
  });
  const card = h("section", { id: "language-card", class: "card", "aria-labelledby": "language-title" },
    h("h2", { id: "language-title" }, t("settings-language-title")),
    h("label", { for: "language" }, t("settings-language")), select,
    h("p", { class: "hint" }, t("settings-language-hint")), message);
  return { card, show: (choice) => { select.value = choice; } };
}

function passwordCard(locked: () => void): HTMLElement {
  const current = h("input", { id: "pw-current", type: "password", autocomplete: "current-password" });
  const next = h("input", { id: "pw-new", type: "password", autocomplete: "new-password" });
  const confirm = h("input", { id: "pw-confirm", type: "password", autocomplete: "new-password" });
  const hint = h("p", { class: "hint", id: "pw-strength" }, strength("").hint);
  const message = h("p", { id: "pw-message", class: "message", role: "status", hidden: true });
  next.addEventListener("input", () => {
    const s = strength(next.value);
    hint.textContent = strengthLine(s);
  });
  const form = h("form", { class: "card", "aria-labelledby": "pw-title" },
    h("h2", { id: "pw-title" }, t("password-change-title")),
    h("label", { for: "pw-current" }, t("password-current")), current,
    h("label", { for: "pw-new" }, t("password-new")), next, hint,
    h("label", { for: "pw-confirm" }, t("password-confirm-new")), confirm,
    message,
    h("div", { class: "actions" }, h("button", { id: "pw-change", type: "submit" }, t("password-change"))));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const problem = newPasswordProblem(next.value, confirm.value);
    if (problem) return say(message, problem, "error");
    try {
      await api.changePassword(current.value, next.value);
      toast(t("password-changed"));
      locked();
    } catch (err) {
      report(err, message);
    }
  });
  return form;
}
