//! Words of a list file that parents read (a list's name and description, a site's note), in
//! one language or in several.
//!
//! A field is either plain text, the same for every reader, or a table of forms by language
//! code, written with dotted keys so each form sits on its own line beside the others:
//!
//! ```toml
//! note = "Random video chat site."                # one form for everyone
//!
//! note.en = "Random video chat site."             # or one form per language…
//! note.fr = "Site de vidéo aléatoire."            # …English required, as the fallback
//! ```
//!
//! A reader gets the form of their language, else the English one. Another language is one
//! more key in the files (`note.de`): nothing here lists the languages, so a list can carry a
//! language before the console speaks it. Validation lives here; `list.rs` places each problem
//! at its file, line and field.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use toml::Spanned;

/// The language every text must have once it has several: what readers of others see.
pub const FALLBACK: &str = "en";

/// A validated text: its English (or only) form, and the forms of other languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Text {
    english: String,
    others: BTreeMap<String, String>,
}

impl Text {
    /// One form for every reader.
    pub fn plain(text: impl Into<String>) -> Text {
        Text {
            english: text.into(),
            others: BTreeMap::new(),
        }
    }

    /// The same text with the form of one more language (`fr`). Giving `en` replaces the
    /// English form.
    #[must_use]
    pub fn with(mut self, lang: &str, text: impl Into<String>) -> Text {
        if lang == FALLBACK {
            self.english = text.into();
        } else {
            self.others.insert(lang.to_string(), text.into());
        }
        self
    }

    /// The English form, or the only one: what logs, the command line and other languages use.
    pub fn english(&self) -> &str {
        &self.english
    }

    /// The form for a reader of `lang` (a code such as `fr`), falling back to English.
    pub fn get(&self, lang: &str) -> &str {
        self.translation(lang).unwrap_or(&self.english)
    }

    /// The form written for `lang` itself, without falling back (`en` gives the English form).
    pub fn translation(&self, lang: &str) -> Option<&str> {
        if lang == FALLBACK {
            return Some(&self.english);
        }
        self.others.get(lang).map(String::as_str)
    }

    /// The forms of languages other than English, by language code.
    pub fn translations(&self) -> &BTreeMap<String, String> {
        &self.others
    }

    /// Bytes of text held, every form counted (for the matcher's memory report).
    pub(crate) fn bytes(&self) -> usize {
        self.english.len()
            + self
                .others
                .iter()
                .map(|(lang, text)| lang.len() + text.len())
                .sum::<usize>()
    }

    /// True when the English form is empty or only spaces.
    pub fn is_blank(&self) -> bool {
        self.english.trim().is_empty()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::plain(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text::plain(text)
    }
}

/// Written back as it was read: plain text when there is one form, else a table with `en`.
impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.others.is_empty() {
            return s.serialize_str(&self.english);
        }
        let mut all = BTreeMap::new();
        all.insert(FALLBACK, self.english.as_str());
        for (lang, text) in &self.others {
            all.insert(lang.as_str(), text.as_str());
        }
        all.serialize(s)
    }
}

/// A text as the file spells it, before validation: each form keeps where it was written.
#[derive(Debug)]
pub(crate) enum RawText {
    Plain(String),
    Forms(Vec<(String, Spanned<toml::Value>)>),
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawText, D::Error> {
        struct Raw;
        impl<'de> Visitor<'de> for Raw {
            type Value = RawText;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text in quotes, or one text per language (en = \"…\", fr = \"…\")")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawText, E> {
                Ok(RawText::Plain(v.to_string()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<RawText, E> {
                Ok(RawText::Plain(v))
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<RawText, M::Error> {
                let mut forms = Vec::new();
                while let Some(lang) = map.next_key::<String>()? {
                    forms.push((lang, map.next_value()?));
                }
                Ok(RawText::Forms(forms))
            }
        }
        d.deserialize_any(Raw)
    }
}

/// One problem of a text: where, which form (`None` for the whole text), and why.
pub(crate) type Problem = (Range<usize>, Option<String>, String);

impl RawText {
    /// Validates the text; `whole` is where the field is written, for problems of the whole.
    pub(crate) fn check(self, whole: Range<usize>) -> Result<Text, Vec<Problem>> {
        let forms = match self {
            RawText::Plain(text) => return Ok(Text::plain(text)),
            RawText::Forms(forms) => forms,
        };
        let mut problems = Vec::new();
        let mut text = Text::default();
        let mut english = false;
        for (lang, value) in forms {
            let span = value.span();
            if let Err(reason) = check_lang(&lang) {
                problems.push((span, Some(lang), reason));
                continue;
            }
            match value.into_inner() {
                toml::Value::String(form) if form.trim().is_empty() => {
                    problems.push((
                        span,
                        Some(lang),
                        crate::reasons::text("text-error-empty", &[]),
                    ));
                }
                toml::Value::String(form) => {
                    english |= lang == FALLBACK;
                    text = text.with(&lang, form);
                }
                _ => problems.push((
                    span,
                    Some(lang),
                    crate::reasons::text("text-error-not-text", &[]),
                )),
            }
        }
        if !english && problems.is_empty() {
            problems.push((
                whole,
                None,
                crate::reasons::text("text-error-needs-english", &[]),
            ));
        }
        if problems.is_empty() {
            Ok(text)
        } else {
            Err(problems)
        }
    }
}

/// Checks a language code: a short lowercase code (`fr`, `pt-br`), since readers' languages
/// are matched against it as written.
fn check_lang(lang: &str) -> Result<(), String> {
    let mut parts = lang.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok = parts.all(|p| {
        (2..=8).contains(&p.len())
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if primary_ok && rest_ok {
        Ok(())
    } else {
        Err(crate::reasons::text(
            "text-error-language",
            &[("code", lang.to_string())],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_gets_their_language_else_english() {
        let text = Text::plain("Random chat").with("fr", "Discussion au hasard");
        assert_eq!(text.get("fr"), "Discussion au hasard");
        assert_eq!(text.get("en"), "Random chat");
        assert_eq!(text.get("de"), "Random chat");
        assert_eq!(text.translation("de"), None);
        assert_eq!(text.to_string(), "Random chat");
        assert_eq!(Text::plain("Only one").get("fr"), "Only one");
    }

    #[test]
    fn language_codes_are_short_and_lowercase() {
        for good in ["en", "fr", "de", "pt-br", "zh-hant", "gsw"] {
            assert!(check_lang(good).is_ok(), "{good}");
        }
        for bad in ["", "FR", "french", "f", "fr_FR", "fr-", "-fr", "fr-x"] {
            assert!(check_lang(bad).is_err(), "{bad}");
        }
    }
}
