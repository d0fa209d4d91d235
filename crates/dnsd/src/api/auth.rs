//! Parent authorization: the password, sessions, and throttling of wrong guesses.
//!
//! The password is stored only as an argon2id hash (PHC string) in a 0600 file in the data
//! folder. A login yields a 256-bit random token held in memory only, valid for a few hours,
//! revoked by logout and by any password change. Wrong passwords are throttled per calling user
//! (the socket's peer uid): after a few tries each further one waits longer, so a child cannot
//! guess quickly. The count survives a restart (`login-throttle.json` beside the hash), so
//! crashing or restarting the service does not buy more guesses. The API runs one check at a
//! time (`Api::hashed`), and a check reads and updates the count before and after its hash, so
//! parallel guesses get exactly the allowance. Nothing here logs a password or a token.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use time::OffsetDateTime;

use crate::clock::since_boot;

/// How long a session lasts.
const SESSION: Duration = Duration::from_secs(8 * 3600);
/// Overrides [`SESSION`], in seconds, so that tests can watch a session expire. Only a process
/// that can start the service can set it, so it changes nothing for a child.
const SESSION_ENV: &str = "VIGIE_SESSION_SECONDS";
/// Wrong guesses allowed before delays start.
const FREE_TRIES: u32 = 3;
/// Longest wait between two guesses.
const MAX_DELAY: Duration = Duration::from_secs(300);
/// Shortest password accepted.
pub(crate) const MIN_PASSWORD: usize = 8;

/// Why a login did not succeed.
#[derive(Debug)]
pub(crate) enum LoginError {
    NoPassword,
    Wrong,
    Throttled(Duration),
    Storage(String),
}

/// One user's wrong guesses. Times are Unix milliseconds, so that they mean the same after a
/// restart; only an administrator can set the clock.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
struct Guesses {
    failures: u32,
    next_allowed_ms: Option<i64>,
}

fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Sessions and the password file.
#[derive(Debug)]
pub(crate) struct Auth {
    file: PathBuf,
    /// Where the wrong-guess counts are kept.
    throttle_file: PathBuf,
    session: Duration,
    /// Token → (end on the boot clock, end as the parent reads it).
    sessions: Mutex<HashMap<String, (Duration, OffsetDateTime)>>,
    guesses: Mutex<HashMap<u32, Guesses>>,
    pub(crate) failed_logins: AtomicU64,
}

impl Auth {
    pub(crate) fn new(file: PathBuf) -> Auth {
        let session = std::env::var(SESSION_ENV)
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(SESSION, Duration::from_secs);
        let throttle_file = file.with_file_name("login-throttle.json");
        // A missing or unreadable file means no count yet; a broken one is not worth refusing
        // every login over.
        let guesses: HashMap<u32, Guesses> = std::fs::read(&throttle_file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let failed = guesses.values().map(|g| u64::from(g.failures)).sum();
        Auth {
            file,
            throttle_file,
            session,
            sessions: Mutex::default(),
            guesses: Mutex::new(guesses),
            failed_logins: AtomicU64::new(failed),
        }
    }

    fn save_guesses(&self, guesses: &HashMap<u32, Guesses>) {
        let json = serde_json::to_vec(guesses).unwrap_or_default();
        if let Err(e) = crate::files::write_atomic(&self.throttle_file, &json, 0o600) {
            tracing::warn!(
                "the wrong-password counts could not be saved in {}: {e}",
                self.throttle_file.display()
            );
        }
    }

    /// Forgets every wrong guess (after the administrator resets the password).
    pub(crate) fn forgive(&self) {
        let mut guesses = self.guesses.lock().expect("guesses");
        guesses.clear();
        self.save_guesses(&guesses);
    }

    /// Whether a parent password has been chosen.
    pub(crate) fn password_set(&self) -> bool {
        self.file.is_file()
    }

    /// Checks a new password's strength; the reason is for the parent.
    pub(crate) fn acceptable(password: &str) -> Result<(), String> {
        if password.chars().count() < MIN_PASSWORD {
            return Err(format!(
                "the password needs at least {MIN_PASSWORD} characters"
            ));
        }
        if password.trim().is_empty() {
            return Err("the password cannot be only spaces".into());
        }
        Ok(())
    }

    /// Stores a new password hash atomically; every existing session ends.
    pub(crate) fn set_password(&self, password: &str) -> Result<(), String> {
        let mut salt = [0u8; 16];
        rand::fill(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| format!("no salt: {e}"))?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| format!("the password could not be hashed: {e}"))?
            .to_string();
        crate::files::write_atomic(&self.file, hash.as_bytes(), 0o600).map_err(|e| {
            format!(
                "the password could not be saved in {}: {e}",
                self.file.display()
            )
        })?;
        self.sessions.lock().expect("sessions").clear();
        Ok(())
    }

    fn verify(&self, password: &str) -> Result<bool, LoginError> {
        let stored = match std::fs::read_to_string(&self.file) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(LoginError::NoPassword);
            }
            Err(e) => return Err(LoginError::Storage(e.to_string())),
        };
        let hash =
            PasswordHash::new(stored.trim()).map_err(|e| LoginError::Storage(e.to_string()))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok())
    }

    /// Checks a password for the user `uid`, with throttling; a right one gives a session.
    pub(crate) fn login(
        &self,
        uid: u32,
        password: &str,
    ) -> Result<(String, OffsetDateTime), LoginError> {
        self.check_password(uid, password)?;
        Ok(self.new_session())
    }

    /// Checks a password with throttling, without opening a session.
    pub(crate) fn check_password(&self, uid: u32, password: &str) -> Result<(), LoginError> {
        {
            let guesses = self.guesses.lock().expect("guesses");
            let now = now_ms();
            if let Some(next) = guesses.get(&uid).and_then(|g| g.next_allowed_ms)
                && next > now
            {
                return Err(LoginError::Throttled(Duration::from_millis(
                    (next - now).unsigned_abs(),
                )));
            }
        }
        if self.verify(password)? {
            let mut guesses = self.guesses.lock().expect("guesses");
            if guesses.remove(&uid).is_some() {
                self.save_guesses(&guesses);
            }
            return Ok(());
        }
        self.failed_logins.fetch_add(1, Ordering::Relaxed);
        let mut guesses = self.guesses.lock().expect("guesses");
        let g = guesses.entry(uid).or_default();
        g.failures += 1;
        if g.failures >= FREE_TRIES {
            let delay = Duration::from_secs(1 << (g.failures - FREE_TRIES).min(16)).min(MAX_DELAY);
            g.next_allowed_ms = Some(now_ms() + delay.as_millis() as i64);
        }
        self.save_guesses(&guesses);
        Err(LoginError::Wrong)
    }

    /// A new session token.
    pub(crate) fn new_session(&self) -> (String, OffsetDateTime) {
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let expires_at = OffsetDateTime::now_utc() + self.session;
        self.sessions
            .lock()
            .expect("sessions")
            .insert(token.clone(), (since_boot() + self.session, expires_at));
        (token, expires_at)
    }

    /// Whether a token is a live session; expired ones are forgotten.
    pub(crate) fn valid(&self, token: &str) -> bool {
        let mut sessions = self.sessions.lock().expect("sessions");
        // The boot clock: a session ends after its hours even if the computer slept.
        let now = since_boot();
        sessions.retain(|_, (until, _)| *until > now);
        sessions.contains_key(token)
    }

    /// Ends a session.
    pub(crate) fn logout(&self, token: &str) {
        self.sessions.lock().expect("sessions").remove(token);
    }

    /// Makes a session expire now (tests of expiry use it through a test-only route).
    #[cfg(test)]
    fn expire(&self, token: &str) {
        if let Some(s) = self.sessions.lock().expect("sessions").get_mut(token) {
            s.0 = since_boot();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_stored_as_argon2id_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let auth = Auth::new(dir.path().join("parent-password"));
        assert!(!auth.password_set());
        assert!(matches!(auth.login(1000, "x"), Err(LoginError::NoPassword)));
        auth.set_password("correct horse").unwrap();
        let stored = std::fs::read_to_string(dir.path().join("parent-password")).unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains("correct horse"));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("parent-password"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let (token, _) = auth.login(1000, "correct horse").unwrap();
        assert_eq!(token.len(), 64);
        assert!(auth.valid(&token));
        auth.expire(&token);
        assert!(!auth.valid(&token), "expired sessions end");
    }

    #[test]
    fn wrong_guesses_are_throttled_per_user_and_a_new_password_ends_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let auth = Auth::new(dir.path().join("p"));
        auth.set_password("correct horse").unwrap();
        let (token, _) = auth.login(1, "correct horse").unwrap();
        for _ in 0..FREE_TRIES {
            assert!(matches!(auth.login(1000, "guess"), Err(LoginError::Wrong)));
        }
        assert!(matches!(
            auth.login(1000, "correct horse"),
            Err(LoginError::Throttled(_))
        ));
        // Checked straight away (the delay is short): a restart keeps the count.
        let again = Auth::new(dir.path().join("p"));
        assert!(
            matches!(
                again.login(1000, "correct horse"),
                Err(LoginError::Throttled(_))
            ),
            "a restart keeps the count"
        );
        assert!(
            auth.login(1001, "correct horse").is_ok(),
            "another user is not held up"
        );
        assert_eq!(auth.failed_logins.load(Ordering::Relaxed), 3);
        auth.set_password("another one").unwrap();
        assert!(!auth.valid(&token));
        again.forgive();
        assert!(again.login(1000, "another one").is_ok(), "forgiven");
        assert!(Auth::acceptable("short").is_err());
        assert!(Auth::acceptable("long enough").is_ok());
    }
}
