//! Vigie's own feed: the shipped stranger-chat list, published with a signature so that an
//! installed computer can take a newer list without a new package.
//!
//! A feed is two files at one address: the body, a list file in the TOML format of `list` whose
//! `[list]` table has `sequence = N`, and `<address>.minisig`, a minisign signature of the body
//! (prehashed Ed25519) whose trusted comment is `vigie-feed sequence=N`. The sequence is in both
//! places on purpose: the body's is what a parent reads in the file, the trusted comment's is
//! covered by minisign's global signature too, so neither can be changed on its own.
//!
//! [`verify`] is what a computer runs before it keeps a downloaded feed: the signature must be
//! the trusted key's, the body must be the stranger-chat list, and its sequence must be higher
//! than the one in force, so an old copy served again (by a mirror, a proxy or an attacker who
//! kept one) never replaces a newer list. Everything here is pure: bytes in, a list or the
//! reason it was refused out; downloading and storing belong to the service.

use std::path::Path;

use minisign_verify::{PublicKey, Signature};

use crate::{Error, ListFile};

/// The one list a feed may carry: the shipped list it replaces.
pub const FEED_LIST: &str = "stranger-chat";

/// The word that opens the trusted comment, before `sequence=N`.
const COMMENT_TAG: &str = "vigie-feed";

/// How the body is named in the errors of its parse (`feed:3:1: …`).
const BODY_LABEL: &str = "feed";

/// A minisign public key that feeds must be signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedKey {
    key: PublicKey,
    /// minisign's key id: 8 random bytes chosen with the key, shown in hexadecimal.
    id: [u8; 8],
}

impl FeedKey {
    /// Reads a public key: its base64 line (`RW…`), or the whole `.pub` file that minisign and
    /// `vigie feed keygen` write (an untrusted comment line, then that line).
    pub fn parse(text: &str) -> Result<FeedKey, Error> {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let line = match lines[..] {
            [key] => key,
            [comment, key] if comment.starts_with("untrusted comment:") => key,
            _ => return Err(Error::FeedKeyMalformed),
        };
        let key = PublicKey::from_base64(line).map_err(|_| Error::FeedKeyMalformed)?;
        let id = base64(line)
            .and_then(|bytes| key_id_of(&bytes))
            .ok_or(Error::FeedKeyMalformed)?;
        Ok(FeedKey { key, id })
    }

    /// The key's id as minisign shows it: 16 hexadecimal digits.
    pub fn id(&self) -> String {
        show_id(self.id)
    }
}

/// A feed whose signature, list and sequence were all checked.
#[derive(Debug, Clone)]
pub struct VerifiedFeed {
    /// The stranger-chat list it carries.
    pub list: ListFile,
    /// Its sequence, signed and in the list.
    pub sequence: u64,
}

/// The trusted comment that a feed of this sequence is signed with.
pub fn trusted_comment(sequence: u64) -> String {
    format!("{COMMENT_TAG} sequence={sequence}")
}

/// Checks a downloaded feed: `body` as served, `signature` the text of `<url>.minisig`, `key`
/// the trusted key, `newer_than` the sequence of the list in force (0 for a shipped list without
/// one). The first problem found is the error, in this order: the signature, then the body.
pub fn verify(
    body: &[u8],
    signature: &str,
    key: &FeedKey,
    newer_than: u64,
) -> Result<VerifiedFeed, Error> {
    let signed = check_signature(body, signature, key)?;
    let text = std::str::from_utf8(body).map_err(|e| {
        let (line, column) = crate::error::line_col(
            &String::from_utf8_lossy(&body[..e.valid_up_to()]),
            e.valid_up_to(),
        );
        Error::FeedNotAList {
            problem: Box::new(Error::Syntax {
                file: BODY_LABEL.into(),
                line,
                column,
                reason: "the text is not UTF-8".into(),
            }),
        }
    })?;
    let list = ListFile::parse(text, Path::new(BODY_LABEL))
        .map_err(|problem| Error::FeedNotAList {
            problem: Box::new(problem),
        })?
        .list;
    if list.list.id != FEED_LIST {
        return Err(Error::FeedWrongList {
            id: list.list.id.clone(),
        });
    }
    let sequence = list.list.sequence.ok_or(Error::FeedNoSequence)?;
    if sequence != signed {
        return Err(Error::FeedSequenceMismatch {
            body: sequence,
            signed,
        });
    }
    if list.sites.is_empty() {
        return Err(Error::FeedEmpty);
    }
    if sequence <= newer_than {
        return Err(Error::FeedNotNewer {
            sequence,
            in_force: newer_than,
        });
    }
    Ok(VerifiedFeed { list, sequence })
}

/// Checks that `signature` is `key`'s signature of `body`; gives the sequence it carries.
fn check_signature(body: &[u8], signature: &str, key: &FeedKey) -> Result<u64, Error> {
    // A signature that went through a tool that writes CRLF line ends is still the same one;
    // minisign itself never puts a carriage return in a comment.
    let signature: String = signature
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .flat_map(|l| [l, "\n"])
        .collect();
    if signature.is_empty() {
        return Err(Error::FeedSignatureMissing);
    }
    let decoded = Signature::decode(&signature).map_err(|_| Error::FeedSignatureMalformed)?;
    // Signature::decode checked the second line: 2 bytes of algorithm, the key id, 64 bytes.
    let raw = signature
        .lines()
        .nth(1)
        .and_then(base64)
        .ok_or(Error::FeedSignatureMalformed)?;
    if raw.starts_with(b"Ed") {
        return Err(Error::FeedSignatureLegacy);
    }
    let signed_by = key_id_of(&raw).ok_or(Error::FeedSignatureMalformed)?;
    if signed_by != key.id {
        return Err(Error::FeedWrongKey {
            signed: show_id(signed_by),
            trusted: key.id(),
        });
    }
    key.key.verify(body, &decoded, false).map_err(|e| match e {
        minisign_verify::Error::InvalidSignature => Error::FeedBadSignature,
        minisign_verify::Error::UnexpectedAlgorithm
        | minisign_verify::Error::UnsupportedLegacyMode => Error::FeedSignatureLegacy,
        minisign_verify::Error::UnexpectedKeyId => Error::FeedWrongKey {
            signed: show_id(signed_by),
            trusted: key.id(),
        },
        _ => Error::FeedSignatureMalformed,
    })?;
    let comment = decoded.trusted_comment();
    signed_sequence(comment).ok_or_else(|| Error::FeedNoSignedSequence {
        comment: comment.to_string(),
    })
}

/// The `N` of `vigie-feed sequence=N` in a trusted comment. The pair may sit among other words
/// (a tool may add a timestamp), but only once: two sequences would leave the choice to us.
fn signed_sequence(comment: &str) -> Option<u64> {
    let words: Vec<&str> = comment.split_whitespace().collect();
    let mut found = words.windows(2).filter_map(|pair| match pair {
        [tag, value] if *tag == COMMENT_TAG => value
            .strip_prefix("sequence=")
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse().ok()),
        _ => None,
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// The key id inside a decoded key or signature: after the 2 bytes of the algorithm.
fn key_id_of(bytes: &[u8]) -> Option<[u8; 8]> {
    bytes.get(2..10)?.try_into().ok()
}

/// A key id the way minisign prints it: the 8 bytes as a little-endian number, in hexadecimal.
fn show_id(id: [u8; 8]) -> String {
    format!("{:016X}", u64::from_le_bytes(id))
}

/// Decodes standard base64 (with or without padding). Only used on text that minisign-verify
/// has already decoded, to read the key id it keeps to itself.
fn base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim().trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The body of a feed of `list` at `sequence`: the list in the TOML format with the sequence in
/// its `[list]` table. Refuses what [`verify`] would refuse on every computer: another list, or
/// one without a site.
pub fn body(list: &ListFile, sequence: u64) -> Result<String, Error> {
    if list.list.id != FEED_LIST {
        return Err(Error::FeedWrongList {
            id: list.list.id.clone(),
        });
    }
    if list.sites.is_empty() {
        return Err(Error::FeedEmpty);
    }
    let mut list = list.clone();
    list.list.sequence = Some(sequence);
    Ok(list.to_toml())
}

/// The sequence a new feed gets when none is asked for: higher than the source list's and the
/// last feed built, and at least `YYYYMMDD00` for `today` (`YYYYMMDD`), so that numbers say
/// when a feed was built and the next one of the same day is `…01`.
pub fn next_sequence(source: u64, previous: u64, today: u32) -> u64 {
    let dated = u64::from(today) * 100;
    dated
        .max(source.saturating_add(1))
        .max(previous.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    const SEQUENCE: u64 = 2026120105;

    struct Signer {
        pk: minisign::PublicKey,
        sk: minisign::SecretKey,
    }

    impl Signer {
        fn new() -> Signer {
            let minisign::KeyPair { pk, sk } =
                minisign::KeyPair::generate_unencrypted_keypair().unwrap();
            Signer { pk, sk }
        }

        fn key(&self) -> FeedKey {
            FeedKey::parse(&self.pk.to_base64()).unwrap()
        }

        fn sign(&self, body: &[u8], comment: &str) -> String {
            minisign::sign(
                Some(&self.pk),
                &self.sk,
                Cursor::new(body),
                Some(comment),
                None,
            )
            .unwrap()
            .to_string()
        }
    }

    fn feed_body(sequence: Option<u64>) -> String {
        let shipped = crate::SHIPPED
            .iter()
            .find(|(name, _)| *name == "stranger-chat.toml")
            .unwrap()
            .1;
        let mut list = ListFile::parse(shipped, Path::new("stranger-chat.toml"))
            .unwrap()
            .list;
        list.list.sequence = sequence;
        list.to_toml()
    }

    fn signed(signer: &Signer, sequence: u64) -> (String, String) {
        let body = feed_body(Some(sequence));
        let signature = signer.sign(body.as_bytes(), &trusted_comment(sequence));
        (body, signature)
    }

    #[test]
    fn a_good_feed_is_the_shipped_list_at_its_sequence() {
        let signer = Signer::new();
        let (body, signature) = signed(&signer, SEQUENCE);
        let feed = verify(body.as_bytes(), &signature, &signer.key(), 2026120100).unwrap();
        assert_eq!(feed.sequence, SEQUENCE);
        assert_eq!(feed.list.list.id, FEED_LIST);
        assert_eq!(feed.list.sequence(), SEQUENCE);
        let shipped = ListFile::parse(&feed_body(None), Path::new("x"))
            .unwrap()
            .list;
        assert_eq!(feed.list.sites, shipped.sites);
        assert_eq!(feed.list.brands, shipped.brands);
        // The same key read from the .pub file's text, and a signature with CRLF line ends.
        let key = FeedKey::parse(&signer.pk.to_box().unwrap().to_string()).unwrap();
        assert_eq!(key, signer.key());
        let crlf = signature.replace('\n', "\r\n");
        assert!(verify(body.as_bytes(), &crlf, &key, 0).is_ok());
    }

    #[test]
    fn one_flipped_byte_in_the_body_breaks_the_signature() {
        let signer = Signer::new();
        let (body, signature) = signed(&signer, SEQUENCE);
        let mut bytes = body.into_bytes();
        // Near the end, in the last site: the signature is checked before anything else.
        let at = bytes.len() - 10;
        bytes[at] ^= 0x01;
        let e = verify(&bytes, &signature, &signer.key(), 0).unwrap_err();
        assert_eq!(e, Error::FeedBadSignature);
        assert!(e.to_string().contains("does not match its content"), "{e}");
    }

    #[test]
    fn a_changed_trusted_comment_breaks_the_signature() {
        let signer = Signer::new();
        let (body, signature) = signed(&signer, SEQUENCE);
        let forged = signature.replace(
            &format!("sequence={SEQUENCE}"),
            &format!("sequence={}", SEQUENCE + 1),
        );
        assert_ne!(forged, signature);
        assert_eq!(
            verify(body.as_bytes(), &forged, &signer.key(), 0).unwrap_err(),
            Error::FeedBadSignature
        );
    }

    #[test]
    fn another_key_is_named_with_both_ids() {
        let signer = Signer::new();
        let other = Signer::new();
        let (body, signature) = signed(&other, SEQUENCE);
        let e = verify(body.as_bytes(), &signature, &signer.key(), 0).unwrap_err();
        let Error::FeedWrongKey { signed, trusted } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(signed, &other.key().id());
        assert_eq!(trusted, &signer.key().id());
        assert_eq!(signed.len(), 16);
        // The id is the one minisign writes in the .pub file's comment.
        assert!(
            other
                .pk
                .to_box()
                .unwrap()
                .to_string()
                .contains(signed.as_str()),
            "{signed}"
        );
        assert!(e.to_string().contains(signed.as_str()), "{e}");
    }

    #[test]
    fn a_key_with_the_same_id_but_other_bytes_fails_the_signature() {
        // minisign's id is only a label: the check is the Ed25519 signature itself.
        let signer = Signer::new();
        let (body, signature) = signed(&signer, SEQUENCE);
        let mut raw = base64(&signer.pk.to_base64()).unwrap();
        raw[20] ^= 0x40;
        let forged = minisign::PublicKey::from_bytes(&raw).unwrap().to_base64();
        let key = FeedKey::parse(&forged).unwrap();
        assert_eq!(key.id(), signer.key().id());
        assert_eq!(
            verify(body.as_bytes(), &signature, &key, 0).unwrap_err(),
            Error::FeedBadSignature
        );
    }

    #[test]
    fn an_older_or_equal_sequence_is_a_replay_and_says_both_numbers() {
        let signer = Signer::new();
        let (body, signature) = signed(&signer, SEQUENCE);
        for in_force in [SEQUENCE, SEQUENCE + 1, u64::MAX] {
            let e = verify(body.as_bytes(), &signature, &signer.key(), in_force).unwrap_err();
            assert_eq!(
                e,
                Error::FeedNotNewer {
                    sequence: SEQUENCE,
                    in_force
                }
            );
            let text = e.to_string();
            assert!(
                text.contains(&SEQUENCE.to_string()) && text.contains(&in_force.to_string()),
                "{text}"
            );
        }
        assert!(verify(body.as_bytes(), &signature, &signer.key(), SEQUENCE - 1).is_ok());
    }

    #[test]
    fn the_signed_sequence_must_be_the_bodys() {
        let signer = Signer::new();
        let body = feed_body(Some(SEQUENCE));
        let signature = signer.sign(body.as_bytes(), &trusted_comment(SEQUENCE + 7));
        let e = verify(body.as_bytes(), &signature, &signer.key(), 0).unwrap_err();
        assert_eq!(
            e,
            Error::FeedSequenceMismatch {
                body: SEQUENCE,
                signed: SEQUENCE + 7
            }
        );
        // A trusted comment without the sequence at all (minisign's default is a timestamp).
        for comment in [
            "timestamp:1764547200",
            "vigie-feed",
            "vigie-feed sequence=",
            "vigie-feed sequence=-1",
            "vigie-feed sequence=1 vigie-feed sequence=2",
        ] {
            let signature = signer.sign(body.as_bytes(), comment);
            let e = verify(body.as_bytes(), &signature, &signer.key(), 0).unwrap_err();
            assert_eq!(
                e,
                Error::FeedNoSignedSequence {
                    comment: comment.into()
                },
                "{comment}"
            );
        }
        // Other words around the pair are fine.
        let signature = signer.sign(
            body.as_bytes(),
            &format!("timestamp:1 vigie-feed sequence={SEQUENCE} file:feed.toml"),
        );
        assert!(verify(body.as_bytes(), &signature, &signer.key(), 0).is_ok());
    }

    #[test]
    fn a_body_that_is_not_a_list_says_why() {
        let signer = Signer::new();
        for (body, expect) in [
            (&b"<!doctype html><html>Not found</html>"[..], "feed:1:1"),
            (b"[list]\nid = \"stranger-chat\"\n", "name"),
            (
                b"[list]\nid = \"stranger-chat\"\nname = \"x\"\n\xff\n",
                "UTF-8",
            ),
        ] {
            let signature = signer.sign(body, &trusted_comment(SEQUENCE));
            let e = verify(body, &signature, &signer.key(), 0).unwrap_err();
            assert!(matches!(e, Error::FeedNotAList { .. }), "{e:?}");
            let text = e.to_string();
            assert!(
                text.starts_with("the feed is not a Vigie list: ") && text.contains(expect),
                "{text}"
            );
        }
    }

    #[test]
    fn a_feed_of_another_list_is_refused_by_its_id() {
        let signer = Signer::new();
        let body =
            feed_body(Some(SEQUENCE)).replace("id = \"stranger-chat\"", "id = \"dns-bypass\"");
        let signature = signer.sign(body.as_bytes(), &trusted_comment(SEQUENCE));
        let e = verify(body.as_bytes(), &signature, &signer.key(), 0).unwrap_err();
        assert_eq!(
            e,
            Error::FeedWrongList {
                id: "dns-bypass".into()
            }
        );
        assert!(e.to_string().contains("\"stranger-chat\""), "{e}");
    }

    #[test]
    fn a_feed_without_sequence_or_sites_is_refused() {
        let signer = Signer::new();
        let body = feed_body(None);
        let signature = signer.sign(body.as_bytes(), &trusted_comment(SEQUENCE));
        assert_eq!(
            verify(body.as_bytes(), &signature, &signer.key(), 0).unwrap_err(),
            Error::FeedNoSequence
        );
        let empty = format!("[list]\nid = \"{FEED_LIST}\"\nname = \"x\"\nsequence = {SEQUENCE}\n");
        let signature = signer.sign(empty.as_bytes(), &trusted_comment(SEQUENCE));
        assert_eq!(
            verify(empty.as_bytes(), &signature, &signer.key(), 0).unwrap_err(),
            Error::FeedEmpty
        );
    }

    #[test]
    fn a_missing_or_broken_signature_is_named() {
        let signer = Signer::new();
        let (body, signature) = signed(&signer, SEQUENCE);
        for missing in ["", "\n", "  \r\n"] {
            assert_eq!(
                verify(body.as_bytes(), missing, &signer.key(), 0).unwrap_err(),
                Error::FeedSignatureMissing
            );
        }
        let html = "<html><body>404</body></html>";
        let lines: Vec<&str> = signature.lines().collect();
        let short = lines[..2].join("\n");
        let bad_base64 = signature.replace(lines[1], "not base64!");
        for broken in [html, short.as_str(), bad_base64.as_str()] {
            assert_eq!(
                verify(body.as_bytes(), broken, &signer.key(), 0).unwrap_err(),
                Error::FeedSignatureMalformed,
                "{broken}"
            );
        }
        // The legacy format: the same layout, algorithm "Ed" (the body signed, not its hash).
        let mut raw = base64(lines[1]).unwrap();
        raw[1] = b'd';
        let legacy = signature.replace(lines[1], &encode(&raw));
        assert_eq!(
            verify(body.as_bytes(), &legacy, &signer.key(), 0).unwrap_err(),
            Error::FeedSignatureLegacy
        );
    }

    #[test]
    fn keys_are_read_from_either_form_and_refused_clearly() {
        let signer = Signer::new();
        let b64 = signer.pk.to_base64();
        assert!(b64.starts_with("RW"), "{b64}");
        let file = format!("untrusted comment: minisign public key\n{b64}\n");
        assert_eq!(FeedKey::parse(&file).unwrap(), signer.key());
        assert_eq!(FeedKey::parse(&format!("  {b64}\n")).unwrap(), signer.key());
        for bad in [
            "",
            "RWnot-a-key",
            &b64[..20],
            &format!("{b64}\n{b64}"),
            "hello\nworld",
        ] {
            assert_eq!(
                FeedKey::parse(bad).unwrap_err(),
                Error::FeedKeyMalformed,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn built_bodies_verify_and_the_default_sequence_only_grows() {
        let signer = Signer::new();
        let shipped = ListFile::parse(&feed_body(Some(2026120100)), Path::new("x"))
            .unwrap()
            .list;
        let text = body(&shipped, SEQUENCE).unwrap();
        let signature = signer.sign(text.as_bytes(), &trusted_comment(SEQUENCE));
        let feed = verify(
            text.as_bytes(),
            &signature,
            &signer.key(),
            shipped.sequence(),
        )
        .unwrap();
        assert_eq!(feed.list.sites, shipped.sites);

        let mut other = shipped.clone();
        other.list.id = "mine".into();
        assert!(matches!(body(&other, 1), Err(Error::FeedWrongList { .. })));
        other.list.id = FEED_LIST.into();
        other.sites.clear();
        assert_eq!(body(&other, 1), Err(Error::FeedEmpty));

        assert_eq!(next_sequence(2026120100, 0, 20261201), 2026120101);
        assert_eq!(next_sequence(2026120100, 0, 20261215), 2026121500);
        assert_eq!(next_sequence(2026120100, 2026121500, 20261215), 2026121501);
        assert_eq!(next_sequence(0, 0, 20270101), 2027010100);
        assert_eq!(next_sequence(u64::MAX, 0, 20270101), u64::MAX);
    }

    #[test]
    fn the_shipped_list_has_a_sequence() {
        let shipped = ListFile::parse(&feed_body(None), Path::new("x"))
            .unwrap()
            .list;
        assert_eq!(shipped.sequence(), 0);
        let (_, text) = crate::SHIPPED
            .iter()
            .find(|(name, _)| *name == "stranger-chat.toml")
            .unwrap();
        let list = ListFile::parse(text, Path::new("stranger-chat.toml"))
            .unwrap()
            .list;
        assert!(list.sequence() >= 2026120100, "{:?}", list.list.sequence);
    }

    /// Standard base64 with padding, for the test that rewrites a signature's bytes.
    fn encode(bytes: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}
