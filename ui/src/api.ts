// The one module that talks to the Rust side: a typed wrapper for every command of the console
// window. Nothing else in the page calls `invoke`. The parent's session token never comes
// here: the Rust side keeps it and the page only learns whether it is unlocked.

import { invoke } from "@tauri-apps/api/core";

/** What kind of failure a command reported; the page acts on it. */
export type ErrorKind = "service_down" | "locked" | "wait" | "invalid" | "conflict" | "failed";

/**
 * A text of the service as a message of `locales/` (`{id, args}`): the page writes it with
 * `tm()` in the console's language. An argument is text, a number, another message, a list
 * of messages, or words of a list file with a form per language (`{ en: "…", fr: "…" }`).
 */
export interface Message {
  id: string;
  args?: Record<string, MessageArg>;
}
export type MessageArg = string | number | Message | Message[] | Forms;
/** Words with a form per language, `en` always there: a list's name inside a message. */
export type Forms = { en: string } & Record<string, string>;

/**
 * A command's failure, with a message already written for the parent (`message`, English for
 * the service's refusals) and, when the service gave one, the same words as a message id.
 */
export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly i18n: Message | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Turns whatever `invoke` rejected with into an ApiError. */
  static from(e: unknown): ApiError {
    if (e instanceof ApiError) return e;
    if (typeof e === "object" && e !== null && "kind" in e && "message" in e) {
      const o = e as { kind: string; message: string; i18n?: Message | null };
      return new ApiError(o.kind as ErrorKind, String(o.message), o.i18n ?? null);
    }
    return new ApiError("failed", typeof e === "string" ? e : String(e));
  }
}

export interface Status {
  version: string;
  uptime_secs: number;
  listen: string[];
  upstreams: string[];
  upstream_ok: boolean | null;
  generation: number;
  domains: number;
  last_reload_error: string | null;
  last_reload_message?: Message | null;
  attempts_today: number;
  failed_logins: number;
  paused_until: string | null;
  password_set: boolean;
  system_dns_ok: boolean | null;
  journal_error: string | null;
  queries: number;
  blocked: number;
  /** "network" (the network's servers, followed as it changes) or "chosen" (a parent's). */
  upstream_mode?: string;
  upstream_servers?: UpstreamServer[];
  network_dns?: NetworkDns | null;
  stale_answers?: number;
  dnssec_in_front?: string | null;
  /** The DNS redirect: "active", "restored", "failed", "stale"; null where none is installed. */
  redirect?: string | null;
  lists_off?: string[];
  /** How the list feeds are doing; absent from an older service. */
  feeds?: FeedsStatus;
  /** The accounts that are parents without the password (a parent is told; empty otherwise). */
  parent_accounts?: Account[];
}

/** How a list feed is doing: `vigie_localapi::FeedState`. */
export type FeedState = "ok" | "pending" | "failing" | "off";
/** How a subscribed list's text is read. */
export type FeedFormat = "auto" | "hosts" | "domains" | "adblock" | "vigie";

/** The feeds part of status: enough for the Overview to say that one fails. */
export interface FeedsStatus {
  subscriptions: number;
  failing: number;
  failing_names: string[];
  vigie_feed: FeedState;
  vigie_feed_reason?: Message | null;
}

/** A list subscribed to by URL (`[[subscription]]` of `settings.toml`) and how its downloads go. */
export interface Subscription {
  id: string;
  name: string;
  url: string;
  format: FeedFormat;
  refresh_secs: number;
  enabled: boolean;
  state: FeedState;
  /** Domains in the copy in force (0 before the first download). */
  domains: number;
  fetched_at?: string | null;
  checked_at?: string | null;
  next_check_at?: string | null;
  /** Why the last check failed, while it fails (a `feed-failed-*` message). */
  last_error?: Message | null;
}

/** Vigie's own signed feed of the `stranger-chat` list. */
export interface VigieFeed {
  /** Whether this build names a feed (a URL and a public key). */
  available: boolean;
  enabled: boolean;
  url?: string | null;
  /** Whether `url` is a parent's mirror rather than the built-in one. */
  custom_url: boolean;
  state: FeedState;
  /** The sequence number of the list in force, and of the one this version shipped. */
  sequence: number;
  shipped_sequence: number;
  fetched_at?: string | null;
  checked_at?: string | null;
  next_check_at?: string | null;
  last_error?: Message | null;
}

export interface Subscriptions {
  subscriptions: Subscription[];
  vigie_feed: VigieFeed;
}

/** `POST /v1/subscriptions`: only `url` is needed. */
export interface AddSubscription {
  url: string;
  name?: string;
  format?: FeedFormat;
  /** `"24h"`, `"90m"`, `"2d"`: at least 1h. */
  refresh?: string;
}

/** `PUT /v1/subscriptions/{id}`: the fields given change. */
export interface SubscriptionChange {
  enabled?: boolean;
  name?: string;
  refresh?: string;
}

/** `PUT /v1/feed`: the fields given change; `url: null` goes back to the built-in address. */
export interface FeedChange {
  enabled?: boolean;
  url?: string | null;
}

export interface UpstreamServer {
  address: string;
  /** "link": a link's own server for the domains it routes (a VPN's). */
  role: "chosen" | "network" | "link";
  state: "answering" | "failing" | "untried";
  last_answer: string | null;
  failing_since: string | null;
  last_error: string | null;
  rtt_ms: number | null;
}

export interface NetworkDns {
  source: string | null;
  servers: string[];
  since: string;
}

export interface Session {
  password_set: boolean;
  unlocked: boolean;
}

/**
 * The forms of a text in languages other than English, by language code (`{ fr: "…" }`): the
 * English form is the field beside it. Absent when the list has none.
 */
export type Translations = Record<string, string>;

export interface ListSummary {
  id: string;
  name: string;
  name_translations?: Translations;
  description: string;
  description_translations?: Translations;
  action: string;
  enabled: boolean;
  shipped: boolean;
  sites: number;
  domains: number;
}

export interface SiteView {
  name: string;
  domains: string[];
  /** A note for parents, English (or the only form). */
  note?: string;
  note_translations?: Translations;
}

export interface ListDetail {
  list: ListSummary;
  sites: SiteView[];
}

/** A value with the version (ETag) it was read at: `vigie_localapi::Versioned`. */
export interface Versioned<T> {
  etag: string;
  value: T;
}

export type Editable = Versioned<ListDetail>;

export interface Added {
  domain: string;
  site: string;
}

export type Preview =
  | { outcome: "empty" }
  | { outcome: "domain"; domain: string; unicode: string }
  | { outcome: "refused"; reason: string; message?: Message };

export interface Check {
  input: string;
  normalized: string | null;
  /** `paused`: a list blocks it, but protection is paused, so it opens for now. */
  verdict: "blocked" | "allowed" | "unlisted" | "paused" | "special" | "invalid";
  reason: { list: string; site: string; rule: string } | null;
  explanation: string;
  message?: Message | null;
}

export interface Attempt {
  id: number;
  time: string;
  client: string;
  name: string;
  site: string;
  list: string;
  rule: string;
  types: string[];
  count: number;
  cname?: string;
  /** Set when a brand rule blocked it: the brand's name; `site` is then its English label. */
  brand?: string;
  /** The lookup came from this computer rather than another device. */
  local?: boolean;
  /** The account that asked; absent when it cannot be told ("this computer"). */
  account?: Account;
  /** The program that asked (`firefox-esr`), where the service may see it. */
  program?: string;
  /** The stub resolver the lookup came through, which hides who asked. */
  via?: string;
}

export interface Account {
  uid: number;
  name: string;
  full_name?: string;
}

export interface AttemptsPage {
  entries: Attempt[];
  next_cursor: string | null;
}

export interface Filter {
  from?: string;
  to?: string;
  site?: string;
  q?: string;
  /** A uid, or `this-computer` for attempts whose account cannot be told. */
  account?: string;
  limit?: number;
  cursor?: string;
}

export interface Summary {
  days: { date: string; count: number }[];
  sites: { site: string; count: number; brand?: string }[];
  /** Attempts at the sites past the hundred in `sites`. */
  other_sites?: number;
  /** This computer's accounts by attempts; `account: null` is "this computer" (unknown account). */
  accounts?: { account: Account | null; count: number }[];
}

export type Protocol = "udp" | "tcp" | "tls" | "https";

export interface Upstream {
  address: string;
  protocol: Protocol;
  "server-name"?: string | null;
  path?: string | null;
}

/** `settings.toml` as JSON; fields the console does not edit are sent back untouched. */
export interface Settings {
  listen: string[];
  upstream: Upstream[];
  blocking: { mode: "blockpage" | "null" | "nxdomain"; [k: string]: unknown };
  journal: { "retention-days": number; [k: string]: unknown };
  notices: { enabled: boolean; [k: string]: unknown };
  /** `[console]`: `language` is `auto` (the session's), `fr` or `en`; absent from an older service. */
  console?: { language: string; [k: string]: unknown };
  [k: string]: unknown;
}

export type VersionedSettings = Versioned<Settings>;

export interface PauseState {
  paused_until: string | null;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw ApiError.from(e);
  }
}

export const api = {
  /** The session's language (`fr` or `en`), from the process environment. */
  locale: () => call<string>("get_locale"),
  /** Titles the window in `lang` (the Rust side picks the words). */
  setWindowLanguage: (lang: string) => call<void>("set_window_language", { lang }),
  status: () => call<Status>("status"),
  session: () => call<Session>("session"),
  setup: (password: string) => call<void>("setup", { password }),
  login: (password: string) => call<void>("login", { password }),
  lock: () => call<void>("lock"),
  changePassword: (current: string, next: string) =>
    call<void>("change_password", { current, new: next }),

  lists: () => call<ListSummary[]>("lists"),
  listDetail: (id: string) => call<ListDetail>("list_detail", { id }),
  setListEnabled: (id: string, enabled: boolean) =>
    call<ListSummary>("set_list_enabled", { id, enabled }),

  mySites: () => call<Editable>("my_sites"),
  addSite: (input: string, name: string | null, etag: string | null) =>
    call<Added>("add_site", { input, name, etag }),
  removeSite: (domain: string) => call<void>("remove_site", { domain }),
  allowlist: () => call<Editable>("allowlist"),
  allow: (input: string, name: string | null) => call<Added>("allow", { input, name }),
  unallow: (domain: string) => call<void>("unallow", { domain }),
  previewSite: (input: string) => call<Preview>("preview_site", { input }),
  checkName: (name: string) => call<Check>("check_name", { name }),

  attempts: (filter: Filter) => call<AttemptsPage>("attempts", { filter }),
  summary: (days: number) => call<Summary>("summary", { days }),
  exportCsv: (filter: Filter) => call<string>("export_csv", { filter }),

  subscriptions: () => call<Versioned<Subscriptions>>("subscriptions"),
  addSubscription: (subscription: AddSubscription, etag: string | null) =>
    call<Subscription>("add_subscription", { subscription, etag }),
  changeSubscription: (id: string, change: SubscriptionChange) =>
    call<Subscription>("change_subscription", { id, change }),
  removeSubscription: (id: string) => call<void>("remove_subscription", { id }),
  refreshSubscription: (id: string) => call<void>("refresh_subscription", { id }),
  changeFeed: (change: FeedChange) => call<VigieFeed>("change_feed", { change }),

  getSettings: () => call<VersionedSettings>("get_settings"),
  putSettings: (settings: Settings, etag: string) =>
    call<VersionedSettings>("put_settings", { settings, etag }),
  pause: (minutes: number) => call<PauseState>("pause", { minutes }),
  resume: () => call<PauseState>("resume"),
};

export type Api = typeof api;
