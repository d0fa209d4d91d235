//! Vigie's words in English and French.
//!
//! This crate owns the Rust side of the translations: the Fluent messages of `locales/en/*.ftl`
//! and `locales/fr/*.ftl` (compiled in, the same files the console's page uses), the rule that
//! picks a session's language from its environment, the rule that picks a browser's language
//! from its `Accept-Language` header, and [`Lang::message`] to write one message in one
//! language. It has no state and does no I/O beyond reading the four locale variables.
//!
//! Message ids are grouped by file: `console.ftl` (the parent's window), `notice.ftl` (the
//! tray and the child's notice), `blockpage.ftl`, `reasons.ftl` (why a name or a file was
//! refused) and `status.ftl` (the service's status, explanations and refusals).

use std::fmt;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::FluentValue;
pub use recognize::recognize;
pub use vigie_policy::{Arg, Message};

/// One `.ftl` file of a language: its name and its text.
type Source = (&'static str, &'static str);

const EN: &[Source] = &[
    (
        "blockpage.ftl",
        include_str!("../../../locales/en/blockpage.ftl"),
    ),
    (
        "console.ftl",
        include_str!("../../../locales/en/console.ftl"),
    ),
    ("notice.ftl", include_str!("../../../locales/en/notice.ftl")),
    (
        "reasons.ftl",
        include_str!("../../../locales/en/reasons.ftl"),
    ),
    ("status.ftl", include_str!("../../../locales/en/status.ftl")),
    ("feeds.ftl", include_str!("../../../locales/en/feeds.ftl")),
];

const FR: &[Source] = &[
    (
        "blockpage.ftl",
        include_str!("../../../locales/fr/blockpage.ftl"),
    ),
    (
        "console.ftl",
        include_str!("../../../locales/fr/console.ftl"),
    ),
    ("notice.ftl", include_str!("../../../locales/fr/notice.ftl")),
    (
        "reasons.ftl",
        include_str!("../../../locales/fr/reasons.ftl"),
    ),
    ("status.ftl", include_str!("../../../locales/fr/status.ftl")),
    ("feeds.ftl", include_str!("../../../locales/fr/feeds.ftl")),
];

/// The environment variables that name a session's language, in the order they are read.
pub const ENV_VARS: [&str; 4] = ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"];

/// A language Vigie speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English: the fallback for every other language.
    #[default]
    En,
    /// French.
    Fr,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The language's code, as the page and HTML's `lang` want it: `en` or `fr`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// French for any tag that starts with `fr` (`fr`, `fr_FR.UTF-8`, `fr-CA`…), English
    /// otherwise.
    pub fn from_tag(tag: &str) -> Lang {
        let tag = tag.trim().as_bytes();
        let french = tag.len() >= 2
            && tag[..2].eq_ignore_ascii_case(b"fr")
            && tag.get(2).is_none_or(|c| !c.is_ascii_alphabetic());
        if french { Lang::Fr } else { Lang::En }
    }

    /// The session's language from the process environment: the first of `LANGUAGE`,
    /// `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and not empty decides (for `LANGUAGE`,
    /// its first entry); French for `fr…`, English otherwise or when none is set.
    pub fn from_env() -> Lang {
        Lang::from_env_with(|name| std::env::var(name).ok())
    }

    /// [`Lang::from_env`] with the variables read through `var` (for tests and callers that
    /// hold another process's environment).
    pub fn from_env_with(var: impl Fn(&str) -> Option<String>) -> Lang {
        ENV_VARS
            .iter()
            .filter_map(|name| var(name))
            .map(|value| {
                value
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            })
            .find(|value| !value.is_empty())
            .map_or(Lang::En, |value| Lang::from_tag(&value))
    }

    /// A browser's language from its `Accept-Language` header: French when the language it
    /// wants most (highest `q`, the first one on a tie) is `fr…`, English otherwise.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(&str, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            if tag.is_empty() {
                continue;
            }
            let mut q = 1.0_f32;
            for param in parts {
                if let Some((key, value)) = param.split_once('=')
                    && key.trim().eq_ignore_ascii_case("q")
                {
                    q = value.trim().parse().unwrap_or(0.0);
                }
            }
            if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((tag, q));
            }
        }
        best.map_or(Lang::En, |(tag, _)| Lang::from_tag(tag))
    }

    /// The message `id` in this language, with `args` for its variables. A message missing
    /// here falls back to English, then to its id. No Unicode isolation marks are added.
    ///
    /// Numbers given as [`FluentValue`] choose plural forms; they are written without digit
    /// grouping, so pass an already formatted string where grouping matters.
    pub fn message(self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let order: &[Lang] = match self {
            Lang::En => &[Lang::En],
            Lang::Fr => &[Lang::Fr, Lang::En],
        };
        for lang in order {
            let bundle = lang.bundle();
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, Some(&fluent_args), &mut errors)
                    .into_owned();
            }
        }
        id.to_string()
    }

    /// A [`Message`] as the service and the policy give it (an id and its arguments): nested
    /// messages are written in this language first, lists are joined by
    /// `file-error-separator` and a space, numbers choose plural forms.
    pub fn render(self, message: &Message) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = message
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    Arg::Number(n) => FluentValue::from(*n),
                    Arg::Text(t) => FluentValue::from(t.as_str()),
                    Arg::Forms(forms) => FluentValue::from(
                        forms
                            .get(self.code())
                            .or_else(|| forms.get(Lang::En.code()))
                            .map_or("", String::as_str),
                    ),
                    Arg::Message(m) => FluentValue::from(self.render(m)),
                    Arg::List(items) => {
                        let separator = format!("{} ", self.text("file-error-separator"));
                        FluentValue::from(
                            items
                                .iter()
                                .map(|m| self.render(m))
                                .collect::<Vec<_>>()
                                .join(&separator),
                        )
                    }
                };
                (name.as_str(), value)
            })
            .collect();
        self.message(&message.id, &args)
    }

    /// A message without variables.
    pub fn text(self, id: &str) -> String {
        self.message(id, &[])
    }

    /// Whether this language has the message `id` itself (without falling back).
    pub fn has(self, id: &str) -> bool {
        self.bundle().has_message(id)
    }

    /// The `.ftl` files of this language, as compiled in: `(file name, text)`.
    pub fn sources(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => EN,
            Lang::Fr => FR,
        }
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        static BUNDLES: OnceLock<[FluentBundle<FluentResource>; 2]> = OnceLock::new();
        let bundles = BUNDLES.get_or_init(|| [build(Lang::En), build(Lang::Fr)]);
        &bundles[self as usize]
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

fn build(lang: Lang) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.code().parse().expect("a valid language code");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Plain text everywhere (notifications, HTML, terminals): no isolation marks.
    bundle.set_use_isolating(false);
    for (_, text) in lang.sources() {
        // A broken entry is skipped by the parser; the tests keep the files whole.
        let resource = FluentResource::try_new((*text).to_string()).unwrap_or_else(|(r, _)| r);
        let _ = bundle.add_resource(resource);
    }
    bundle
}

mod recognize;

#[cfg(test)]
mod tests;
