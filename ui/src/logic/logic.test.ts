import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, type Status } from "../api";
import { h } from "../dom";
import { useLanguage } from "../i18n";
import { shortDay, when, who } from "./format";
import { IdleLock } from "./idle";
import { Pager } from "./paging";
import { coverage } from "./coverage";
import { dnsInUse, dnsProblem, shortAddress } from "./dns-health";
import { PRESETS, presetOf, upstreamFor } from "./presets";
import { previewText } from "./preview";
import { protection } from "./protection";
import { newPasswordProblem, strength } from "./strength";

const status = (over: Partial<Status> = {}): Status => ({
  version: "0.1.0", uptime_secs: 5, listen: ["127.0.0.1:53"], upstreams: [], upstream_ok: true,
  generation: 1, domains: 432, last_reload_error: null, attempts_today: 0, failed_logins: 0,
  paused_until: null, password_set: true, system_dns_ok: null, journal_error: null, queries: 0, blocked: 0,
  ...over,
});

afterEach(() => { useLanguage("en"); });

describe("password strength", () => {
  it("counts the characters still missing", () => {
    expect(strength("abc").label).toBe("Too short");
    expect(strength("abcdefg").hint).toBe("1 more character needed.");
  });
  it("flags common passwords and rewards long phrases", () => {
    expect(strength("password123").score).toBe(1);
    expect(strength("aaaaaaaaaa").score).toBe(1);
    expect(strength("sunflower").score).toBe(2);
    expect(strength("Sunflower42").score).toBe(3);
    expect(strength("correct horse battery staple").score).toBe(4);
  });
  it("refuses short or mismatched new passwords before sending them", () => {
    expect(newPasswordProblem("short", "short")).toMatch(/8 characters/);
    expect(newPasswordProblem("long enough", "long enougH")).toMatch(/not the same/);
    expect(newPasswordProblem("long enough", "long enough")).toBeNull();
  });
});

describe("protection", () => {
  it("says why the computer is not protected, with the fix", () => {
    const down = protection(null);
    expect(down.state).toBe("down");
    expect(down.ok).toBe(false);
    expect(down.fix).toMatch(/systemctl restart vigie/);
    const paused = protection(status({ paused_until: "2026-11-23T18:30:00Z" }));
    expect(paused.state).toBe("paused");
    expect(paused.fix).toMatch(/Resume/);
    expect(protection(status({ system_dns_ok: false })).state).toBe("not_reaching");
  });
  it("stays protected when an edit failed, and names the problem", () => {
    const p = protection(status({ last_reload_error: "lists/my.toml:3: bad" }));
    expect(p.ok).toBe(true);
    expect(p.detail).toContain("lists/my.toml:3: bad");
  });
  it("counts the domains in force", () => {
    const p = protection(status({ domains: 1234 }));
    expect(p.headline).toBe("This computer is protected");
    expect(p.detail).toBe("1,234 blocked domains are in force.");
    expect(protection(status({ domains: 1 })).detail).toBe("1 blocked domain is in force.");
  });
  it("says it in French too", () => {
    useLanguage("fr");
    expect(protection(status({ domains: 1234 })).detail).toBe("1\u202f234 domaines bloqués sont en vigueur.");
    expect(protection(null).headline).toBe("Non protégé\u00a0: le service de Vigie ne fonctionne pas");
    expect(protection(status({ paused_until: "2026-11-23T18:30:00Z" })).fix).toContain("«\u202fReprendre la protection\u202f»");
  });
});

describe("upstream presets", () => {
  it("recognises each preset from its settings, and anything else as custom", () => {
    for (const p of PRESETS) expect(presetOf(p.upstream.map((u) => ({ ...u })))).toBe(p.id);
    expect(presetOf([{ address: "192.168.1.1", protocol: "udp" }])).toBe("custom");
  });
  it("offers a family-filtering DoH resolver", () => {
    const family = PRESETS.find((p) => p.id === "cloudflare-family")!;
    expect(family.upstream.every((u) => u.protocol === "https" && u["server-name"])).toBe(true);
  });
  it("checks a custom server before saving", () => {
    expect(upstreamFor("custom", { address: "", protocol: "udp", serverName: "" })).toHaveProperty("problem");
    expect(upstreamFor("custom", { address: "dns.example", protocol: "udp", serverName: "" })).toHaveProperty("problem");
    expect(upstreamFor("custom", { address: "9.9.9.9", protocol: "tls", serverName: "" })).toHaveProperty("problem");
    expect(upstreamFor("custom", { address: "192.168.1.1", protocol: "udp", serverName: "" })).toEqual([
      { address: "192.168.1.1", protocol: "udp" },
    ]);
    expect(upstreamFor("system", { address: "x", protocol: "udp", serverName: "" })).toEqual([]);
  });
});

describe("paging", () => {
  it("goes forward with cursors and back to earlier pages", () => {
    const p = new Pager();
    expect([p.page, p.cursor, p.hasPrevious, p.hasNext]).toEqual([1, undefined, false, false]);
    p.loaded("c2");
    expect(p.hasNext).toBe(true);
    p.forward();
    expect([p.page, p.cursor]).toEqual([2, "c2"]);
    p.loaded(null);
    expect(p.hasNext).toBe(false);
    p.forward();
    expect(p.page).toBe(2);
    p.back();
    expect([p.page, p.cursor]).toEqual([1, undefined]);
    p.loaded("c2");
    p.forward();
    p.reset();
    expect([p.page, p.cursor]).toEqual([1, undefined]);
  });
});

describe("idle lock", () => {
  afterEach(() => vi.useRealTimers());
  it("locks after the delay without activity, and activity restarts the countdown", () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    const idle = new IdleLock(1000, onIdle);
    idle.touch();
    vi.advanceTimersByTime(900);
    idle.touch();
    vi.advanceTimersByTime(900);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(idle.running).toBe(false);
    idle.touch();
    idle.stop();
    vi.advanceTimersByTime(5000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
});

describe("preview words", () => {
  it("shows the normalized domain, its Unicode form, or the reason for refusal", () => {
    expect(previewText({ outcome: "empty" }).text).toBe("");
    expect(previewText({ outcome: "domain", domain: "example-chat.test", unicode: "example-chat.test" })).toEqual({
      text: "Becomes example-chat.test: the site and every name under it.",
      kind: "ok",
    });
    expect(previewText({ outcome: "domain", domain: "xn--bcher-kva.example", unicode: "bücher.example" }).text).toContain(
      "bücher.example (xn--bcher-kva.example)",
    );
    const refused = previewText({ outcome: "refused", reason: "\"1.2.3.4\" is an IP address" });
    expect(refused.kind).toBe("error");
    expect(refused.text).toMatch(/^Cannot be added: "1.2.3.4" is an IP address/);
  });
});

describe("formatting", () => {
  it("writes days and times in English", () => {
    expect(shortDay("2026-11-03")).toBe("3 Nov");
    expect(shortDay("soon")).toBe("soon");
    expect(when("not a time")).toBe("not a time");
    expect(when("2026-11-23T10:05:00Z")).toMatch(/^2[34] Nov 2026, \d\d:05$/);
  });
});

describe("errors and markup", () => {
  it("keeps the kind the Rust side reported", () => {
    const e = ApiError.from({ kind: "conflict", message: "changed elsewhere" });
    expect([e.kind, e.message]).toEqual(["conflict", "changed elsewhere"]);
    expect(ApiError.from("boom").kind).toBe("failed");
  });
  it("puts names from the service in as text, never as markup", () => {
    const el = h("li", {}, "<img src=x onerror=alert(1)>");
    expect(el.children.length).toBe(0);
    expect(el.textContent).toBe("<img src=x onerror=alert(1)>");
  });
});

describe("where allowed lookups go", () => {
  const server = (address: string, role: "chosen" | "network", state: "answering" | "failing" | "untried") => ({
    address, role, state, last_answer: null, failing_since: state === "failing" ? "2026-12-01T14:05:00Z" : null,
    last_error: null, rtt_ms: null,
  });
  it("says nothing while the servers answer", () => {
    expect(dnsProblem(status({ upstream_servers: [server("192.168.1.1:53 (udp+tcp)", "network", "answering")] }))).toBeNull();
  });
  it("names the silent server and the one in use", () => {
    const s = status({
      upstream_mode: "chosen",
      upstream_servers: [server("9.9.9.9:53 (udp+tcp)", "chosen", "failing"), server("192.168.1.1:53 (udp+tcp)", "network", "answering")],
    });
    expect(dnsProblem(s)).toMatch(/you chose, 9\.9\.9\.9, does not answer since .*the network's: 192\.168\.1\.1/);
    useLanguage("fr");
    expect(dnsProblem(s)).toMatch(/choisi, 9\.9\.9\.9, ne répond plus depuis .*: 192\.168\.1\.1/);
  });
  it("says when nothing answers, and when the network offers nothing", () => {
    expect(dnsProblem(status({ upstream_servers: [server("[fe80::1]:53 (udp+tcp)", "network", "failing")] }))).toMatch(/No DNS server answers \(fe80::1\)/);
    expect(dnsProblem(status({ upstream_servers: [] }))).toMatch(/offers no DNS server yet/);
    expect(dnsProblem(status({ upstream_ok: false }))).toMatch(/cannot reach/);
  });
  it("shows what the network offers now", () => {
    const now = { source: "NetworkManager", servers: ["192.168.1.1"], since: "2026-12-01T14:00:00Z" };
    expect(dnsInUse(status({ upstream_mode: "network", network_dns: now }))).toMatch(/offers 192\.168\.1\.1 \(found by NetworkManager\)/);
    expect(dnsInUse(status({ upstream_mode: "chosen", network_dns: now }))).toMatch(/asks the network's: 192\.168\.1\.1/);
    expect(shortAddress("192.168.1.1:5353 (udp+tcp)")).toBe("192.168.1.1:5353");
  });
});

describe("a validating resolver in front of Vigie", () => {
  it("is said in the parent's language", async () => {
    const { t } = await import("../i18n");
    expect(t("overview-dnssec-in-front", { value: "yes" })).toMatch(/DNSSEC=yes.*shows blocked sites as errors/);
    useLanguage("fr");
    expect(t("overview-dnssec-in-front", { value: "allow-downgrade" })).toMatch(/DNSSEC=allow-downgrade.*sites bloqués comme des erreurs/);
  });
});

describe("who tried", () => {
  const attempt = { id: 1, time: "2026-11-23T14:05:00Z", client: "192.168.1.20", name: "omegle.com", site: "Omegle", list: "stranger-chat", rule: "omegle.com", types: ["A"], count: 1 };
  afterEach(() => useLanguage("en"));
  it("names the account and program, this computer, or the device", () => {
    useLanguage("en");
    expect(who({ ...attempt, local: true, account: { uid: 1001, name: "lea" }, program: "firefox-esr" })).toEqual({ who: "lea", detail: "with firefox-esr" });
    expect(who({ ...attempt, local: true, account: { uid: 1001, name: "lea", full_name: "Léa" } })).toEqual({ who: "Léa", detail: null });
    expect(who({ ...attempt, local: true, via: "systemd-resolved" })).toEqual({ who: "This computer (account unknown)", detail: "through systemd-resolved" });
    expect(who(attempt)).toEqual({ who: "Device 192.168.1.20", detail: null });
  });
});

describe("what is protected", () => {
  it("lists each part, and what is not in place yet", () => {
    const all = coverage(status({ system_dns_ok: true, redirect: "active" }));
    expect(all.map((c) => [c.id, c.ok])).toEqual([["lists", true], ["system", true], ["redirect", true]]);
    expect(all[0].text).toBe("The lists are in force: 432 domains are blocked.");
    const partly = coverage(status({ system_dns_ok: null, redirect: "failed", lists_off: ["Omegle and clones"] }));
    expect(partly.map((c) => c.ok)).toEqual([false, null, false]);
    expect(partly[2].text).toMatch(/not in place/);
    useLanguage("fr");
    expect(coverage(status({ redirect: null }))[2].text).toMatch(/la redirection n’est pas installée/);
  });
});
