// Settings: where allowed lookups go, how blocked ones are answered, notices, how long
// attempts are kept, and the parent password.

import { api, type Protocol, type Settings } from "../api";
import { report, toast } from "../app";
import { fill, h, say } from "../dom";
import { PRESETS, presetOf, upstreamFor } from "../logic/presets";
import { newPasswordProblem, strength } from "../logic/strength";

export async function renderSettings(root: HTMLElement, locked: () => void): Promise<void> {
  const message = h("p", { id: "settings-message", class: "message", role: "status", hidden: true });
  const form = h("form", { id: "settings-form", class: "card", "aria-labelledby": "settings-title" });
  const password = passwordCard(locked);
  fill(root, form, password);

  let etag = "";
  let current: Settings;
  const load = async () => {
    const v = await api.getSettings();
    etag = v.etag;
    current = v.settings;
    draw();
  };

  const draw = () => {
    const s = current;
    const chosen = presetOf(s.upstream);
    const custom = s.upstream[0];
    const radios = [...PRESETS.map((p) => ({ id: p.id, label: p.label, description: p.description })),
      { id: "custom", label: "Another DNS server", description: "For example your own router's address." }]
      .map((p) => h("label", { class: "radio" },
        h("input", { type: "radio", name: "upstream", value: p.id, id: `upstream-${p.id}`, checked: p.id === chosen }),
        h("span", {}, h("strong", {}, p.label), h("br", {}), h("span", { class: "hint" }, p.description))));
    const address = h("input", { id: "custom-address", type: "text", value: chosen === "custom" && custom ? custom.address : "" });
    const protocol = h("select", { id: "custom-protocol" },
      ...(["udp", "tcp", "tls", "https"] as Protocol[]).map((p) =>
        h("option", { value: p, selected: chosen === "custom" && custom?.protocol === p }, { udp: "Plain (UDP)", tcp: "Plain (TCP)", tls: "Encrypted (TLS)", https: "Encrypted (HTTPS)" }[p])));
    const serverName = h("input", { id: "custom-server-name", type: "text", value: chosen === "custom" && custom ? custom["server-name"] ?? "" : "" });
    const mode = h("select", { id: "block-mode" },
      h("option", { value: "blockpage", selected: s.blocking.mode === "blockpage" }, "Show a notice page (recommended)"),
      h("option", { value: "null", selected: s.blocking.mode === "null" }, "Fail to connect, silently"),
      h("option", { value: "nxdomain", selected: s.blocking.mode === "nxdomain" }, "Say the site does not exist"));
    const notices = h("input", { id: "notices", type: "checkbox", checked: s.notices.enabled });
    const retention = h("input", { id: "retention", type: "number", min: 1, max: 3650, value: s.journal["retention-days"] });
    fill(form,
      h("h2", { id: "settings-title" }, "Settings"),
      h("fieldset", {}, h("legend", {}, "Where allowed lookups go"), ...radios,
        h("div", { class: "custom" },
          h("label", { for: "custom-address" }, "Server address"), address,
          h("label", { for: "custom-protocol" }, "Protocol"), protocol,
          h("label", { for: "custom-server-name" }, "Server name (for encrypted DNS)"), serverName)),
      h("label", { for: "block-mode" }, "When a site is blocked"), mode,
      h("label", { class: "check", for: "notices" }, notices, " Show a notice on the screen when a blocked site is tried"),
      h("label", { for: "retention" }, "Keep the record of attempts for (days)"), retention,
      message,
      h("div", { class: "actions" }, h("button", { id: "save-settings", type: "submit", class: "primary" }, "Save settings")));
    form.onsubmit = async (e) => {
      e.preventDefault();
      const choice = (form.querySelector("input[name=upstream]:checked") as HTMLInputElement | null)?.value ?? "system";
      const upstream = upstreamFor(choice, { address: address.value, protocol: protocol.value as Protocol, serverName: serverName.value });
      if ("problem" in upstream) return say(message, upstream.problem, "error");
      const days = Number(retention.value);
      if (!Number.isInteger(days) || days < 1) return say(message, "Keep attempts for at least 1 day.", "error");
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
        current = v.settings;
        draw();
        say(message, "Saved. The new settings apply now.", "ok");
        toast("Settings saved. They apply now.");
      } catch (err) {
        const e2 = report(err, message);
        if (e2.kind === "conflict") {
          await load();
          say(message, e2.message, "error");
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

function passwordCard(locked: () => void): HTMLElement {
  const current = h("input", { id: "pw-current", type: "password", autocomplete: "current-password" });
  const next = h("input", { id: "pw-new", type: "password", autocomplete: "new-password" });
  const confirm = h("input", { id: "pw-confirm", type: "password", autocomplete: "new-password" });
  const hint = h("p", { class: "hint", id: "pw-strength" }, strength("").hint);
  const message = h("p", { id: "pw-message", class: "message", role: "status", hidden: true });
  next.addEventListener("input", () => {
    const s = strength(next.value);
    hint.textContent = s.label ? `${s.label}. ${s.hint}` : s.hint;
  });
  const form = h("form", { class: "card", "aria-labelledby": "pw-title" },
    h("h2", { id: "pw-title" }, "Change the parent password"),
    h("label", { for: "pw-current" }, "Current password"), current,
    h("label", { for: "pw-new" }, "New password"), next, hint,
    h("label", { for: "pw-confirm" }, "Type the new one again"), confirm,
    message,
    h("div", { class: "actions" }, h("button", { id: "pw-change", type: "submit" }, "Change password")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const problem = newPasswordProblem(next.value, confirm.value);
    if (problem) return say(message, problem, "error");
    try {
      await api.changePassword(current.value, next.value);
      toast("Password changed. Unlock with the new one.");
      locked();
    } catch (err) {
      report(err, message);
    }
  });
  return form;
}
