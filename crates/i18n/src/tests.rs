use std::collections::{BTreeMap, BTreeSet};

use fluent_bundle::FluentResource;
use fluent_syntax::ast;

use super::*;

/// Every message of a language: id → (file, variables and message references it uses).
fn messages(lang: Lang) -> BTreeMap<String, (&'static str, BTreeSet<String>)> {
    let mut out = BTreeMap::new();
    for (file, text) in lang.sources() {
        let resource = match FluentResource::try_new((*text).to_string()) {
            Ok(r) => r,
            Err((_, errors)) => panic!("{lang}/{file} does not parse: {errors:?}"),
        };
        for entry in resource.entries() {
            if let ast::Entry::Message(m) = entry {
                let mut refs = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_refs(p, &mut refs);
                }
                for a in &m.attributes {
                    refs.insert(format!(".{}", a.id.name));
                    pattern_refs(&a.value, &mut refs);
                }
                let id = m.id.name.to_string();
                assert!(
                    out.insert(id.clone(), (*file, refs)).is_none(),
                    "{lang}: {id} is defined twice"
                );
            }
        }
    }
    out
}

fn pattern_refs(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let ast::PatternElement::Placeable { expression } = e {
            expression_refs(expression, out);
        }
    }
}

fn expression_refs(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_refs(selector, out);
            for v in variants {
                pattern_refs(&v.value, out);
            }
        }
        ast::Expression::Inline(i) => inline_refs(i, out),
    }
}

fn inline_refs(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(format!("${}", id.name));
        }
        ast::InlineExpression::MessageReference { id, .. } => {
            out.insert(format!("msg:{}", id.name));
        }
        ast::InlineExpression::Placeable { expression } => expression_refs(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. }
        | ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for a in &arguments.positional {
                inline_refs(a, out);
            }
            for n in &arguments.named {
                inline_refs(&n.value, out);
            }
        }
        _ => {}
    }
}

#[test]
fn both_languages_have_the_same_files_ids_and_variables() {
    let names = |l: Lang| l.sources().iter().map(|(f, _)| *f).collect::<Vec<_>>();
    assert_eq!(names(Lang::En), names(Lang::Fr));
    let en = messages(Lang::En);
    let fr = messages(Lang::Fr);
    let only_en: Vec<_> = en.keys().filter(|k| !fr.contains_key(*k)).collect();
    let only_fr: Vec<_> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "missing in French: {only_en:?}");
    assert!(only_fr.is_empty(), "missing in English: {only_fr:?}");
    for (id, value) in &en {
        assert_eq!(
            Some(value),
            fr.get(id),
            "{id}: not the same file or variables"
        );
    }
    assert!(en.len() > 300, "only {} messages", en.len());
}

#[test]
fn every_message_id_is_kept_by_the_bundles() {
    for lang in Lang::ALL {
        for id in messages(lang).keys() {
            assert!(lang.has(id), "{lang}: {id}");
        }
    }
}

#[test]
fn the_session_language_comes_from_the_environment_in_order() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(Lang::from_env_with(env(&[])), Lang::En);
    assert_eq!(
        Lang::from_env_with(env(&[("LANG", "fr_FR.UTF-8")])),
        Lang::Fr
    );
    assert_eq!(
        Lang::from_env_with(env(&[("LANG", "en_GB.UTF-8")])),
        Lang::En
    );
    assert_eq!(Lang::from_env_with(env(&[("LANG", "C.UTF-8")])), Lang::En);
    // LANGUAGE first, and its first entry.
    assert_eq!(
        Lang::from_env_with(env(&[("LANGUAGE", "fr:en"), ("LANG", "en_US.UTF-8")])),
        Lang::Fr
    );
    assert_eq!(
        Lang::from_env_with(env(&[("LANGUAGE", "en_US:fr"), ("LANG", "fr_FR.UTF-8")])),
        Lang::En
    );
    // An empty variable does not decide.
    assert_eq!(
        Lang::from_env_with(env(&[
            ("LANGUAGE", ""),
            ("LC_ALL", ""),
            ("LC_MESSAGES", "fr_CA.UTF-8")
        ])),
        Lang::Fr
    );
    assert_eq!(
        Lang::from_env_with(env(&[("LC_ALL", "de_DE.UTF-8"), ("LANG", "fr_FR.UTF-8")])),
        Lang::En
    );
    assert_eq!(
        Lang::from_env_with(env(&[("LC_MESSAGES", "fr_BE"), ("LANG", "en_US")])),
        Lang::Fr
    );
}

#[test]
fn tags_starting_with_fr_are_french() {
    for tag in ["fr", "FR", "fr_FR.UTF-8", "fr-CA", "fr@euro", " fr "] {
        assert_eq!(Lang::from_tag(tag), Lang::Fr, "{tag:?}");
    }
    for tag in ["", "en", "fry", "de_FR", "C", "POSIX"] {
        assert_eq!(Lang::from_tag(tag), Lang::En, "{tag:?}");
    }
}

#[test]
fn a_browser_language_is_its_best_q_language() {
    assert_eq!(
        Lang::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"),
        Lang::Fr
    );
    assert_eq!(
        Lang::from_accept_language("en-US,en;q=0.9,fr;q=0.8"),
        Lang::En
    );
    assert_eq!(Lang::from_accept_language("de;q=0.5, fr;q=0.7"), Lang::Fr);
    assert_eq!(Lang::from_accept_language("en;q=0.5, fr-CH"), Lang::Fr);
    assert_eq!(Lang::from_accept_language("fr;q=0, en;q=0.1"), Lang::En);
    assert_eq!(Lang::from_accept_language("*"), Lang::En);
    assert_eq!(Lang::from_accept_language(""), Lang::En);
    assert_eq!(Lang::from_accept_language("fr;q=0.8, en;q=0.8"), Lang::Fr);
    assert_eq!(Lang::from_accept_language("garbage;;q=x, fr"), Lang::Fr);
}

#[test]
fn messages_have_variables_filled_and_no_isolation_marks() {
    let body = Lang::Fr.message("notice-body", &[("site", "Omegle".into())]);
    assert_eq!(
        body,
        "Omegle est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent."
    );
    assert_eq!(
        Lang::En.message("notice-body", &[("site", "Omegle".into())]),
        "Omegle is blocked on this computer. If you need it, talk to a parent."
    );
    assert!(!body.contains(['\u{2068}', '\u{2069}']));
    assert_eq!(Lang::Fr.text("notice-title"), "Ce site est bloqué");
}

#[test]
fn french_plurals_count_zero_and_one_as_one() {
    let attempts = |n: u64| Lang::Fr.message("overview-attempts", &[("count", n.into())]);
    assert_eq!(attempts(0), "0 tentative");
    assert_eq!(attempts(1), "1 tentative");
    assert_eq!(attempts(2), "2 tentatives");
    let en = |n: u64| Lang::En.message("overview-attempts", &[("count", n.into())]);
    assert_eq!(en(0), "0 attempts");
    assert_eq!(en(1), "1 attempt");
    assert_eq!(
        Lang::Fr.message("api-throttled", &[("seconds", 30.into())]),
        "trop de mots de passe erronés\u{a0}: réessayez dans 30 secondes"
    );
}

#[test]
fn a_missing_message_falls_back_to_english_then_to_its_id() {
    assert_eq!(Lang::Fr.text("no-such-message"), "no-such-message");
    assert_eq!(Lang::En.text("no-such-message"), "no-such-message");
    assert_eq!(Lang::Fr.code(), "fr");
    assert_eq!(Lang::default(), Lang::En);
}

#[test]
fn the_block_page_and_reasons_read_well_in_french() {
    assert_eq!(
        Lang::Fr.message(
            "blockpage-lead-list",
            &[("list", "Omegle et clones".into())]
        ),
        "Il fait partie de la liste «\u{202f}Omegle et clones\u{202f}» qu’un parent a choisie pour cet ordinateur."
    );
    assert_eq!(
        Lang::Fr.message("reason-public-suffix", &[("name", "co.uk".into())]),
        "«\u{202f}co.uk\u{202f}» est une terminaison commune à une foule de sites sans rapport entre eux, pas un site\u{a0}: entrez un nom complet comme exemple.co.uk"
    );
}
