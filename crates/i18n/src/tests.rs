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

/// One of every kind of policy error, as the policy crate makes them where it can.
fn policy_errors() -> Vec<vigie_policy::Error> {
    use std::path::{Path, PathBuf};
    use vigie_policy::{Domain, Error, ListFile, RawSettings};
    let mut out: Vec<Error> = [
        "",
        "1.2.3.4",
        "exa mple.com",
        "exa_mple.com",
        "exa\tmple.com",
        "exa$mple.com",
        "a..com",
        "-a.com",
        &format!("{}.com", "a".repeat(64)),
        &format!("{}.com", "abcdefghi.".repeat(26)),
        "localhost",
        "co.uk",
        "xn--zz.com",
    ]
    .iter()
    .map(|input| Domain::parse(input).unwrap_err())
    .collect();
    let file = Path::new("/etc/vigie/lists/mine.toml");
    // A list file with a problem of each kind list.rs reports.
    let text = "[list]\nid = \"Bad id\"\nname = \" \"\ndescription = \"d\"\ncategory = \"c\"\n\
                [[site]]\nname = \"\"\ndomains = []\n\
                [[site]]\nname = \"A\"\ndomains = [\"com\", \"a.example\"]\n\
                [[site]]\nname = \"B\"\ndomains = [\"a.example\"]\n";
    match ListFile::parse(text, file) {
        Err(e) => out.push(e),
        Ok(p) => panic!("the broken list parsed: {:?}", p.warnings),
    }
    // A list whose texts in several languages have a problem of each kind text.rs reports.
    let texts = "[list]\nid = \"mine\"\nname.fr = \"Mes sites\"\n\
                 [[site]]\nname = \"A\"\ndomains = [\"a.example\"]\n\
                 note.en = \"n\"\nnote.fr = 3\nnote.French = \"n\"\nnote.de = \"\"\n";
    match ListFile::parse(texts, file) {
        Err(e) => out.push(e),
        Ok(_) => panic!("the list with broken texts parsed"),
    }
    let dup = "[list]\nid = \"mine\"\nname = \"Mine\"\ndescription = \"d\"\ncategory = \"c\"\n\
               [[site]]\nname = \"A\"\ndomains = [\"a.example\"]\n\
               [[site]]\nname = \"B\"\ndomains = [\"a.example\"]\n";
    out.extend(ListFile::parse(dup, file).unwrap().warnings);
    out.push(ListFile::parse("[list\n", file).unwrap_err());
    let long_id = format!(
        "[list]\nid = \"{}\"\nname = \"n\"\ndescription = \"d\"\ncategory = \"c\"\n",
        "a".repeat(80)
    );
    out.push(ListFile::parse(&long_id, file).unwrap_err());
    let settings = Path::new("/etc/vigie/settings.toml");
    // Every problem of `[[subscription]]` and `[feed]`.
    let subs = format!(
        "[[subscription]]\nname = \"\"\nurl = \"ftp://e.example/l\"\nrefresh = \"soon\"\n\
         [[subscription]]\nname = \"A\"\nurl = \"https://u:p@e.example/l\"\nrefresh = \"30m\"\n\
         [[subscription]]\nname = \"B\"\nurl = \"https://e.example/b\"\n\
         [[subscription]]\nname = \"C\"\nurl = \"https://e.example/b\"\n\
         [feed]\nurl = \"https://e.example/{}\"\n{}",
        "a".repeat(vigie_policy::MAX_FEED_URL),
        (0..vigie_policy::MAX_SUBSCRIPTIONS)
            .map(|i| format!(
                "[[subscription]]\nname = \"L{i}\"\nurl = \"https://f.example/{i}\"\n"
            ))
            .collect::<String>()
    );
    out.push(
        RawSettings::parse(&subs, settings)
            .unwrap()
            .validate(settings)
            .unwrap_err(),
    );
    let bad = "listen = [\"nowhere\"]\n[[upstream]]\naddress = \"dns.example\"\n\
               [[upstream]]\naddress = \"9.9.9.9\"\nprotocol = \"tls\"\npath = \"x\"\n\
               [blocking]\naddress = \"::1\"\npage-listen = \"here\"\nttl = 99999\n\
               [lists]\n\"Bad!\" = true\n[console]\nlanguage = \"de\"\n";
    out.push(
        RawSettings::parse(bad, settings)
            .unwrap()
            .validate(settings)
            .unwrap_err(),
    );
    out.push(
        RawSettings::parse("listen = []\n", settings)
            .unwrap()
            .validate(settings)
            .unwrap_err(),
    );
    out.push(Error::DuplicateList {
        id: "mine".into(),
        first: PathBuf::from("/a/mine.toml"),
        second: PathBuf::from("/b/mine.toml"),
    });
    out.push(Error::Io {
        path: PathBuf::from("/etc/vigie/lists"),
        reason: "Permission denied (os error 13)".into(),
    });
    out.push(Error::Setting {
        file: settings.into(),
        field: "lists.gone".into(),
        reason: "no list has this id; the setting is ignored".into(),
    });
    out.push(
        ListFile::parse("[list]\nid = \"x\"\nname = \"X\"\nsequence = \"1\"\n", file).unwrap_err(),
    );
    // Every way a downloaded feed is refused (vigie_policy::feed).
    out.extend([
        Error::FeedSignatureMissing,
        Error::FeedSignatureMalformed,
        Error::FeedSignatureLegacy,
        Error::FeedKeyMalformed,
        Error::FeedWrongKey {
            signed: "1F2E3D4C5B6A7988".into(),
            trusted: "8897A6B5C4D3E2F1".into(),
        },
        Error::FeedBadSignature,
        Error::FeedNoSignedSequence {
            comment: "timestamp:1764547200".into(),
        },
        Error::FeedNotAList {
            problem: Box::new(ListFile::parse("<html>", Path::new("feed")).unwrap_err()),
        },
        Error::FeedWrongList {
            id: "dns-bypass".into(),
        },
        Error::FeedNoSequence,
        Error::FeedSequenceMismatch {
            body: 2026120101,
            signed: 2026120102,
        },
        Error::FeedNotNewer {
            sequence: 2026120100,
            in_force: 2026120105,
        },
        Error::FeedEmpty,
    ]);
    out.push(Error::Setting {
        file: PathBuf::from("/etc/vigie/lists/Bad Name.txt"),
        field: "file name".into(),
        reason: "the file name is the list's id: \"Bad Name\" may only use lowercase letters, digits and hyphens (not at the start)".into(),
    });
    out
}

/// Every message inside `m`, itself included.
fn all_ids(m: &Message, out: &mut Vec<String>) {
    out.push(m.id.clone());
    for arg in m.args.values() {
        match arg {
            Arg::Message(inner) => all_ids(inner, out),
            Arg::List(items) => items.iter().for_each(|i| all_ids(i, out)),
            Arg::Number(_) | Arg::Text(_) | Arg::Forms(_) => {}
        }
    }
}

#[test]
fn policy_errors_in_english_are_their_display() {
    for e in policy_errors() {
        let message = e.message();
        assert_eq!(Lang::En.render(&message), e.to_string(), "{message:#?}");
    }
}

#[test]
fn policy_errors_have_messages_in_both_languages() {
    let mut seen = BTreeSet::new();
    for e in policy_errors() {
        let mut ids = Vec::new();
        all_ids(&e.message(), &mut ids);
        for id in ids {
            for lang in Lang::ALL {
                assert!(lang.has(&id), "{lang} has no {id} (for {e})");
            }
            seen.insert(id);
        }
        let fr = Lang::Fr.render(&e.message());
        assert_ne!(fr, e.to_string(), "{e}");
    }
    // Every reason the policy writes itself was met, so a new one cannot slip by untested.
    for (id, _) in vigie_policy::reasons::TEMPLATES {
        assert!(seen.contains(*id), "no test error uses {id}");
    }
    for id in [
        "reason-empty-name",
        "reason-ip-address",
        "reason-bad-character",
        "reason-character-space",
        "reason-character-underscore",
        "reason-character-invisible",
        "reason-character-other",
        "reason-empty-label",
        "reason-hyphen-at-edge",
        "reason-label-too-long",
        "reason-name-too-long",
        "reason-single-label",
        "reason-public-suffix",
        "reason-invalid-idn",
        "file-error-syntax",
        "file-error-at",
        "file-error-setting",
        "file-error-duplicate",
        "file-error-duplicate-list",
        "file-error-io",
        "file-error-invalid",
        "feed-error-signature-missing",
        "feed-error-signature-malformed",
        "feed-error-signature-legacy",
        "feed-error-key-malformed",
        "feed-error-wrong-key",
        "feed-error-bad-signature",
        "feed-error-no-signed-sequence",
        "feed-error-not-a-list",
        "feed-error-wrong-list",
        "feed-error-no-sequence",
        "feed-error-sequence-mismatch",
        "feed-error-not-newer",
        "feed-error-empty",
    ] {
        assert!(seen.contains(id), "no test error uses {id}");
    }
}

#[test]
fn a_french_parent_reads_a_pasted_address_refusal_in_french() {
    let e = vigie_policy::Domain::parse("https://1.2.3.4/chat").unwrap_err();
    assert_eq!(
        Lang::Fr.render(&e.message()),
        "«\u{202F}1.2.3.4\u{202F}» est une adresse IP, pas le nom d’un site\u{A0}: Vigie bloque les sites par leur nom, entrez donc un nom comme exemple.fr"
    );
    let e = vigie_policy::Domain::parse("exa mple.com").unwrap_err();
    assert!(
        Lang::Fr
            .render(&e.message())
            .contains("contient une espace")
    );
    let json = serde_json::to_value(e.message()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"id": "reason-bad-character", "args": {
            "name": "exa mple.com",
            "shown": {"id": "reason-character-space"}
        }})
    );
    let back: Message = serde_json::from_value(json).unwrap();
    assert_eq!(back, e.message());
}

#[test]
fn special_names_have_messages() {
    for s in vigie_policy::Special::ALL {
        assert_eq!(Lang::En.text(s.message_id()), s.describe());
        assert!(Lang::Fr.has(s.message_id()));
    }
}

#[test]
fn english_words_are_recognized_as_their_message() {
    let m = recognize("wrong password", &["api-"]).unwrap();
    assert_eq!(m, Message::new("api-wrong-password"));
    let m = recognize(
        "too many wrong passwords: try again in 12 seconds",
        &["api-"],
    )
    .unwrap();
    assert_eq!(m, Message::new("api-throttled").arg("seconds", 12_u32));
    let fr = Lang::Fr.render(&m);
    assert!(fr.contains("12") && fr.contains("secondes"), "{fr}");
    let m = recognize("no list has the id \"dating\"", &["api-"]).unwrap();
    assert_eq!(m, Message::new("api-no-list").arg("id", "dating"));
    assert_eq!(recognize("something else entirely", &["api-"]), None);
    assert_eq!(recognize("wrong password", &["reason-"]), None);
}

#[test]
fn every_shipped_brand_is_named_in_each_language() {
    let mut brands = 0;
    for list in vigie_policy::shipped_lists().unwrap() {
        for brand in &list.brands {
            let message = brand.message();
            // The English words are the label the journal keeps, so both read the same.
            assert_eq!(Lang::En.render(&message), brand.label());
            assert_eq!(
                Lang::Fr.render(&message),
                format!("ressemble à {}", brand.name)
            );
            brands += 1;
        }
    }
    assert!(brands > 0, "no shipped brand was checked");
}
