//! The local API's request bodies, as any local account may send them: each body type the
//! service reads (`vigie_localapi` types and the raw settings) from any bytes, never a panic;
//! what reads serializes and reads back equal (the console and CLI send these same types); a
//! pasted site goes through the parsing `POST /v1/sites` does, and settings through validation.
#![no_main]

use std::fmt::Debug;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use vigie_localapi as v1;
use vigie_policy::Domain;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(data: &[u8]) -> Option<T> {
    let value: T = serde_json::from_slice(data).ok()?;
    let bytes = serde_json::to_vec(&value).expect("serializes");
    let again: T = serde_json::from_slice(&bytes).expect("reads back");
    assert_eq!(again, value);
    Some(value)
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 7 {
        0 => {
            round_trip::<v1::Password>(body);
        }
        1 => {
            round_trip::<v1::ChangePassword>(body);
        }
        2 => {
            round_trip::<v1::ListToggle>(body);
        }
        3 => {
            if let Some(add) = round_trip::<v1::AddSite>(body)
                && let Ok(domain) = Domain::parse(&add.input)
            {
                let plain = domain.without_www();
                let _ = (plain.to_unicode(), plain.registrable().len());
                // What was normalized stays put when pasted again.
                let again = Domain::parse(plain.as_str()).expect("a normalized name parses");
                assert_eq!(again.as_str(), plain.as_str());
            }
        }
        4 => {
            round_trip::<v1::RenameSite>(body);
        }
        5 => {
            round_trip::<v1::PauseRequest>(body);
        }
        _ => {
            if let Some(raw) = round_trip::<v1::Settings>(body) {
                let _ = raw.validate(Path::new("settings.toml"));
            }
        }
    }
});
