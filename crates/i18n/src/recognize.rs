//! The way back from English words to a message: which English message of `locales/en`, with
//! which arguments, wrote a given text. For texts that reach the page as English only (written
//! by code that builds its own English sentence), so that the page can still show them in the
//! parent's language.
//!
//! Only messages made of text and variables are templates, and a select on a variable counts
//! once per variant (its variable is then taken as a number). Two variables side by side cannot
//! be told apart, so messages with those are left out.

use std::sync::OnceLock;

use fluent_bundle::FluentResource;
use fluent_syntax::ast;
use vigie_policy::{Arg, Message};

use crate::Lang;

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    /// A variable, and whether a select chooses on it (it is a number then).
    Var(String, bool),
}

struct Template {
    id: String,
    pieces: Vec<Piece>,
}

fn templates() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let mut out = Vec::new();
        for (_, text) in Lang::En.sources() {
            let resource = FluentResource::try_new((*text).to_string()).unwrap_or_else(|(r, _)| r);
            for entry in resource.entries() {
                let ast::Entry::Message(m) = entry else {
                    continue;
                };
                let Some(pattern) = &m.value else { continue };
                let Some(alternatives) = expand(pattern) else {
                    continue;
                };
                for pieces in alternatives {
                    let pieces = merge(pieces);
                    let adjacent = pieces
                        .windows(2)
                        .any(|w| matches!(w, [Piece::Var(..), Piece::Var(..)]));
                    if !adjacent && !pieces.is_empty() {
                        out.push(Template {
                            id: m.id.name.to_string(),
                            pieces,
                        });
                    }
                }
            }
        }
        out
    })
}

/// Every way the pattern can be written, as pieces; `None` when it uses more than text,
/// variables and selects on a variable.
fn expand(pattern: &ast::Pattern<&str>) -> Option<Vec<Vec<Piece>>> {
    let mut ways: Vec<Vec<Piece>> = vec![Vec::new()];
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => {
                for w in &mut ways {
                    w.push(Piece::Text((*value).to_string()));
                }
            }
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(ast::InlineExpression::VariableReference { id }) => {
                    for w in &mut ways {
                        w.push(Piece::Var(id.name.to_string(), false));
                    }
                }
                ast::Expression::Select { selector, variants } => {
                    let ast::InlineExpression::VariableReference { id } = selector else {
                        return None;
                    };
                    let mut next = Vec::new();
                    for variant in variants {
                        for inner in expand(&variant.value)? {
                            let inner: Vec<Piece> = inner
                                .into_iter()
                                .map(|p| match p {
                                    Piece::Var(n, _) if n == id.name => Piece::Var(n, true),
                                    p => p,
                                })
                                .collect();
                            for w in &ways {
                                let mut w = w.clone();
                                w.extend(inner.iter().cloned());
                                next.push(w);
                            }
                        }
                    }
                    ways = next;
                }
                _ => return None,
            },
        }
    }
    Some(ways)
}

fn merge(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for p in pieces {
        match (out.last_mut(), p) {
            (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
            (_, p) => out.push(p),
        }
    }
    out
}

fn matches(template: &Template, text: &str) -> Option<Message> {
    let mut message = Message::new(template.id.as_str());
    let mut rest = text;
    let pieces = &template.pieces;
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Text(t) => rest = rest.strip_prefix(t.as_str())?,
            Piece::Var(name, number) => {
                let value = match pieces.get(i + 1) {
                    Some(Piece::Text(next)) if i + 2 == pieces.len() => {
                        rest.strip_suffix(next.as_str())?
                    }
                    Some(Piece::Text(next)) => &rest[..rest.find(next.as_str())?],
                    _ => rest,
                };
                if value.is_empty() {
                    return None;
                }
                rest = &rest[value.len()..];
                let arg = if *number {
                    Arg::Number(value.parse().ok()?)
                } else {
                    Arg::Text(value.to_string())
                };
                message.args.insert(name.clone(), arg);
            }
        }
    }
    rest.is_empty().then_some(message)
}

/// The English message whose id starts with one of `prefixes` (tried in that order) and whose
/// words are `text`, with the arguments read back from the text; `None` when none fits.
pub fn recognize(text: &str, prefixes: &[&str]) -> Option<Message> {
    prefixes.iter().find_map(|prefix| {
        templates()
            .iter()
            .filter(|t| t.id.starts_with(prefix))
            .find_map(|t| matches(t, text))
    })
}
