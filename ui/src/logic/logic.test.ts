import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, type Status, type Subscription, type VigieFeed } from "../api";
import { h } from "../dom";
import { useLanguage } from "../i18n";
import { shortDay, when, who } from "./format";
import { IdleLock } from "./idle";
import { Pager } from "./paging";
import { coverage } from "./coverage";
import { ago, every, feedUrl, hostOf, soon, stateKind, subscriptionLine, vigieFeedLine } from "./feeds";
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
  const server = (address: string, role: "chosen" | "network" | "link", state: "answering" | "failing" | "untried") => ({
    address, role, state, last_answer: null, failing_since: state === "failing" ? "2026-12-01T14:05:00Z" : null,
    last_error: null, rtt_ms: null,
  });
  it("says nothing while the servers answer", () => {
    expect(dnsProblem(status({ upstream_servers: [server("192.168.1.1:53 (udp+tcp)", "network", "answering")] }))).toBeNull();
  });
  it("leaves a VPN's own servers out: they answer only for the VPN's domains", () => {
    const vpnDown = [server("192.168.1.1:53 (udp+tcp)", "network", "answering"), server("10.8.0.1:53 (udp+tcp)", "link", "failing")];
    expect(dnsProblem(status({ upstream_servers: vpnDown }))).toBeNull();
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

describe("list feeds in words", () => {
  const now = new Date("2026-12-02T12:00:00Z");
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const after = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const MIN = 60_000;
  const sub = (over: Partial<Subscription> = {}): Subscription => ({
    id: "sub-3f2a9c01b7de", name: "Community list", url: "https://lists.example.org/randomchat.txt", format: "auto",
    refresh_secs: 86400, enabled: true, state: "ok", domains: 412, ...over,
  });
  const feed = (over: Partial<VigieFeed> = {}): VigieFeed => ({
    available: true, enabled: true, url: "https://vigie.example/stranger-chat.toml", custom_url: false, state: "ok",
    sequence: 2026120502, shipped_sequence: 2026120100, checked_at: before(2 * 60 * MIN), ...over,
  });

  it("says how long ago, rounding down, then the date", () => {
    expect(ago(before(10_000), now)).toBe("just now");
    expect(ago(after(20_000), now)).toBe("just now");
    expect(ago(before(MIN), now)).toBe("a minute ago");
    expect(ago(before(59 * MIN + 59_000), now)).toBe("59 minutes ago");
    expect(ago(before(60 * MIN), now)).toBe("an hour ago");
    expect(ago(before(2 * 60 * MIN + 5 * MIN), now)).toBe("2 hours ago");
    expect(ago(before(24 * 60 * MIN), now)).toBe("a day ago");
    expect(ago(before(29 * 24 * 60 * MIN), now)).toBe("29 days ago");
    expect(ago(before(45 * 24 * 60 * MIN), now)).toMatch(/^on 1[78] Oct 2026, \d\d:00$/);
    expect(ago(null, now)).toBeNull();
    expect(ago("not a time", now)).toBeNull();
  });

  it("says how soon, rounding minutes up", () => {
    expect(soon(after(20_000), now)).toBe("in a moment");
    expect(soon(before(5000), now)).toBe("in a moment");
    expect(soon(after(59_000), now)).toBe("in a minute");
    expect(soon(after(4 * MIN + 1000), now)).toBe("in 5 minutes");
    expect(soon(after(60 * MIN), now)).toBe("in an hour");
    expect(soon(after(3 * 24 * 60 * MIN), now)).toBe("in 3 days");
  });

  it("says it in French", () => {
    useLanguage("fr");
    expect(ago(before(10_000), now)).toBe("à l’instant");
    expect(ago(before(MIN), now)).toBe("il y a une minute");
    expect(ago(before(2 * 60 * MIN), now)).toBe("il y a 2 heures");
    expect(ago(before(3 * 24 * 60 * MIN), now)).toBe("il y a 3 jours");
    expect(ago(before(45 * 24 * 60 * MIN), now)).toMatch(/^le 1[78] oct\. 2026 à \d\d:00$/);
    expect(soon(after(5 * MIN), now)).toBe("dans 5 minutes");
    expect(every(86400)).toBe("tous les jours");
    expect(every(6 * 3600)).toBe("toutes les 6 heures");
  });

  it("names how often a feed is checked", () => {
    expect(every(3600)).toBe("every hour");
    expect(every(12 * 3600)).toBe("every 12 hours");
    expect(every(86400)).toBe("every day");
    expect(every(7 * 86400)).toBe("every 7 days");
  });

  it("takes a pasted http(s) address and shows its host, and says what is wrong with anything else", () => {
    expect(feedUrl("  https://lists.example.org/randomchat.txt \n")).toEqual({ url: "https://lists.example.org/randomchat.txt", host: "lists.example.org" });
    expect(feedUrl("http://127.0.0.1:8080/list.txt")).toEqual({ url: "http://127.0.0.1:8080/list.txt", host: "127.0.0.1:8080" });
    expect(feedUrl("")).toEqual({ problem: "Paste the address of a list; it starts with https://." });
    expect(feedUrl("lists.example.org/list.txt")).toEqual({ problem: "\"lists.example.org/list.txt\" is not a web address: write one that starts with https:// or http://" });
    expect(feedUrl("ftp://lists.example.org/list.txt")).toHaveProperty("problem");
    expect(feedUrl("file:///etc/hosts")).toHaveProperty("problem");
    expect(feedUrl("https://user:secret@lists.example.org/l.txt")).toEqual({ problem: "a list's address may not carry a user name or password" });
    expect(feedUrl(`https://example.org/${"a".repeat(2048)}`)).toEqual({ problem: "the address is longer than 2,048 bytes" });
    expect(hostOf("https://Lists.Example.org:8443/x")).toBe("lists.example.org:8443");
    expect(hostOf("not a url")).toBeNull();
    useLanguage("fr");
    expect(feedUrl("lists.example.org")).toEqual({ problem: "«\u202flists.example.org\u202f» n’est pas une adresse web\u00a0: écrivez-en une qui commence par https:// ou http://" });
  });

  it("says when a subscription was updated, or that it has not been downloaded yet, or is off", () => {
    expect(subscriptionLine(sub({ checked_at: before(2 * 60 * MIN), fetched_at: before(3 * 24 * 60 * MIN) }), now))
      .toEqual({ text: "Updated 2 hours ago.", error: null });
    expect(subscriptionLine(sub({ state: "pending", domains: 0 }), now)).toEqual({ text: "Not downloaded yet.", error: null });
    expect(subscriptionLine(sub({ state: "off", enabled: false }), now).text).toBe("Off: its sites open normally.");
    expect([stateKind("ok"), stateKind("failing"), stateKind("pending"), stateKind("off")]).toEqual(["ok", "error", "info", "info"]);
  });

  it("says why a subscription fails in the parent's words, what stays in force and when it is tried again", () => {
    const failing = sub({
      state: "failing", fetched_at: before(3 * 24 * 60 * MIN), checked_at: before(5 * MIN), next_check_at: after(25 * MIN),
      last_error: { id: "feed-failed-status", args: { status: 503 } },
    });
    expect(subscriptionLine(failing, now)).toEqual({
      text: "The copy downloaded 3 days ago stays in force. Next try in 25 minutes.",
      error: "The last check, 5 minutes ago, failed: the server answered 503.",
    });
    const never = sub({ state: "failing", domains: 0, checked_at: before(MIN), last_error: { id: "feed-failed-html" } });
    expect(subscriptionLine(never, now)).toEqual({
      text: "Nothing is downloaded yet, so it blocks nothing.",
      error: "The last check, a minute ago, failed: the page is a web page, not a list.",
    });
    useLanguage("fr");
    expect(subscriptionLine(failing, now)).toEqual({
      text: "La copie téléchargée il y a 3 jours reste en vigueur. Prochain essai dans 25 minutes.",
      error: "La dernière vérification, il y a 5 minutes, a échoué\u00a0: le serveur a répondu 503.",
    });
  });

  it("says whether Vigie's own feed is on, the list number in force against the shipped one, and why it fails", () => {
    expect(vigieFeedLine(feed({ available: false, enabled: true, state: "off" }), now)).toEqual({
      text: "This copy of Vigie has no update feed; the lists update with new versions.", kind: "info",
    });
    expect(vigieFeedLine(feed(), now)).toEqual({
      text: "On, checked 2 hours ago. The list in force is number 2026120502, newer than the one this version came with (2026120100).",
      kind: "ok",
    });
    expect(vigieFeedLine(feed({ sequence: 2026120100 }), now).text).toBe(
      "On, checked 2 hours ago. The list in force is the one this version came with (number 2026120100).");
    expect(vigieFeedLine(feed({ enabled: false, state: "off" }), now).text).toBe("Off: the list that came with this version of Vigie stays in force.");
    const failing = vigieFeedLine(feed({ state: "failing", last_error: { id: "feed-failed-signature" } }), now);
    expect(failing.kind).toBe("error");
    expect(failing.text).toMatch(/^On, but its last check failed: signature does not match\. The list in force is number 2026120502/);
    expect(vigieFeedLine(feed({ state: "pending", checked_at: null, sequence: 2026120100 }), now).text).toMatch(/^On, not checked yet\./);
    useLanguage("fr");
    expect(vigieFeedLine(feed({ available: false }), now).text).toBe(
      "Cette copie de Vigie n’a pas de liste en ligne\u00a0: les listes se mettent à jour avec les nouvelles versions.");
  });

  it("mentions a failing feed on the Overview", () => {
    const feeds = { subscriptions: 2, failing: 1, failing_names: ["Community list"], vigie_feed: "ok" as const };
    const failing = coverage(status({ feeds }));
    const item = failing.find((c) => c.id === "feeds")!;
    expect(item.ok).toBe(false);
    expect(item.text).toBe("A list feed failed at its last check (its last good copy stays in force): Community list.");
    const fine = coverage(status({ feeds: { ...feeds, failing: 0, failing_names: [] } }));
    expect(fine.find((c) => c.id === "feeds")).toEqual({ id: "feeds", ok: true, text: "Vigie keeps 2 list feeds up to date." });
    expect(coverage(status({ feeds: { ...feeds, subscriptions: 0, failing: 0, failing_names: [] } })).map((c) => c.id)).toEqual(["lists", "system", "redirect"]);
    const vigie = coverage(status({ feeds: { subscriptions: 0, failing: 0, failing_names: [], vigie_feed: "failing", vigie_feed_reason: { id: "feed-failed-older" } } }));
    expect(vigie.find((c) => c.id === "vigie-feed")?.text).toBe("Vigie's own list feed failed at its last check: older than the list in force.");
    expect(coverage(status()).map((c) => c.id)).toEqual(["lists", "system", "redirect"]);
  });
});
