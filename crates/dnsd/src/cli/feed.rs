//! `vigie feed`: the project's tools for Vigie's own signed feed of the stranger-chat list. They
//! make a key pair, turn `blocklists/stranger-chat.toml` into a feed body with a sequence
//! number, sign it and check it exactly as an installed computer would (`vigie_policy::feed`).
//! They run offline and never talk to the service.
//!
//! Keys and signatures are in minisign's format, so the standard `minisign` tool can sign a feed
//! too (`minisign -S -t 'vigie-feed sequence=N'`) and check one (`minisign -V`).

use std::io::{Cursor, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use vigie_policy::feed::{self, FEED_LIST};
use vigie_policy::{FeedKey, ListFile};

/// The untrusted comments written with keys and signatures: labels for people, never checked.
const SECRET_COMMENT: &str = "vigie feed secret key";
const SIGNATURE_COMMENT: &str = "signature from vigie feed sign";

/// The largest sequence a list file can hold: TOML integers are signed 64-bit.
const MAX_SEQUENCE: u64 = i64::MAX as u64;

#[derive(Debug, Subcommand)]
pub(crate) enum FeedAction {
    /// Make a new signing key pair (minisign format).
    ///
    /// The secret key's password is asked twice: on the terminal, or two lines of standard
    /// input.
    Keygen {
        /// Where to write the secret key: created with mode 0600, never overwritten. Keep it
        /// out of the repository.
        #[arg(long, value_name = "FILE")]
        secret: PathBuf,
        /// Where to write the public key (never overwritten).
        #[arg(long, value_name = "FILE")]
        public: PathBuf,
        /// Store the secret key without a password (for signing from a script).
        #[arg(long)]
        no_password: bool,
    },
    /// Turn a list file into a feed body with a sequence number.
    Build {
        /// The list, such as blocklists/stranger-chat.toml.
        src: PathBuf,
        /// Where to write the feed body (replaced if it exists).
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        /// The feed's sequence number. Default: the highest of SRC's sequence + 1, OUT's
        /// sequence + 1 when OUT is already a feed, and today as YYYYMMDD00 (UTC).
        #[arg(long, value_name = "N")]
        sequence: Option<u64>,
    },
    /// Sign a feed body: writes FEED.minisig.
    ///
    /// The signature's trusted comment is "vigie-feed sequence=N", N the body's sequence. A
    /// secret key with a password asks it: on the terminal, or one line of standard input.
    Sign {
        /// The secret key from `vigie feed keygen` or `minisign -G`.
        #[arg(long, value_name = "FILE")]
        secret: PathBuf,
        /// The feed body from `vigie feed build`.
        feed: PathBuf,
    },
    /// Check a feed and its signature as a computer would, and say what it carries.
    Verify {
        /// The public key file (or a file holding its RW… line).
        #[arg(long, value_name = "FILE")]
        public: PathBuf,
        /// The feed body.
        feed: PathBuf,
        /// The signature (default: FEED.minisig).
        #[arg(long, value_name = "FILE")]
        signature: Option<PathBuf>,
        /// Also require a sequence higher than this one, as a computer whose list is at N does.
        #[arg(long, value_name = "N", default_value_t = 0)]
        newer_than: u64,
    },
}

/// Runs a `vigie feed` command; returns the exit code.
pub(crate) fn run(action: FeedAction) -> u8 {
    let result = match action {
        FeedAction::Keygen {
            secret,
            public,
            no_password,
        } => keygen(&secret, &public, no_password),
        FeedAction::Build {
            src,
            output,
            sequence,
        } => build(&src, &output, sequence),
        FeedAction::Sign { secret, feed } => sign(&secret, &feed),
        FeedAction::Verify {
            public,
            feed,
            signature,
            newer_than,
        } => verify(&public, &feed, signature, newer_than),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("vigie: {e:#}");
            1
        }
    }
}

fn keygen(secret: &Path, public: &Path, no_password: bool) -> Result<()> {
    // Both checked before anything is made: a new key whose other half could not be written
    // would only confuse.
    for path in [secret, public] {
        if path.symlink_metadata().is_ok() {
            bail!(
                "{} already exists: a key is never overwritten (move it away first if you mean to replace it)",
                path.display()
            );
        }
    }
    let pair = if no_password {
        minisign::KeyPair::generate_unencrypted_keypair()
    } else {
        let password = super::client::secret("Password for the secret key: ")?;
        let again = super::client::secret("The same password again: ")?;
        if password != again {
            bail!("the two passwords differ; nothing was written");
        }
        minisign::KeyPair::generate_encrypted_keypair(Some(password))
    }
    .map_err(|e| anyhow!("cannot make a key pair: {e}"))?;
    let secret_text = pair
        .sk
        .to_box(Some(SECRET_COMMENT))
        .map_err(|e| anyhow!("cannot write the secret key: {e}"))?
        .to_string();
    let public_text = pair
        .pk
        .to_box()
        .map_err(|e| anyhow!("cannot write the public key: {e}"))?
        .to_string();
    create_new(secret, secret_text.as_bytes(), 0o600)?;
    if let Err(e) = create_new(public, public_text.as_bytes(), 0o644) {
        // The secret key alone is useless; take it back so a second try starts clean.
        let _ = std::fs::remove_file(secret);
        return Err(e);
    }
    let key = FeedKey::parse(&public_text)?;
    println!(
        "Secret key: {} (mode 0600; keep it out of the repository)",
        secret.display()
    );
    println!("Public key: {} (key id {})", public.display(), key.id());
    println!(
        "For the package build: VIGIE_FEED_PUBLIC_KEY={}",
        pair.pk.to_base64()
    );
    Ok(())
}

fn build(src: &Path, output: &Path, sequence: Option<u64>) -> Result<()> {
    let parsed = ListFile::load(src)?;
    for warning in &parsed.warnings {
        eprintln!("vigie: warning: {warning}");
    }
    let list = parsed.list;
    let sequence = match sequence {
        Some(n) if n > MAX_SEQUENCE => {
            bail!("--sequence {n} is too large: the highest a list file can hold is {MAX_SEQUENCE}")
        }
        Some(n) if n <= list.sequence() => bail!(
            "--sequence {n} is not higher than {}'s sequence {}: computers with that list would refuse the feed",
            src.display(),
            list.sequence()
        ),
        Some(n) => n,
        None => feed::next_sequence(list.sequence(), previous_sequence(output), today()),
    };
    let body = feed::body(&list, sequence).with_context(|| src.display().to_string())?;
    // What is written must read back as the same list: the feed is checked by the same parser.
    let again = ListFile::parse(&body, output)?.list;
    if again.sites != list.sites || again.brands != list.brands || again.sequence() != sequence {
        bail!("the feed body does not read back as {}", src.display());
    }
    crate::files::write_atomic(output, body.as_bytes(), 0o644)
        .with_context(|| format!("cannot write {}", output.display()))?;
    println!(
        "Built {}: sequence {sequence}, {}. Sign it with: vigie feed sign --secret KEY {}",
        output.display(),
        counts(&again),
        output.display()
    );
    Ok(())
}

/// The sequence of a feed already at `path`, so that building again never goes backwards; 0
/// when there is none or it is not a list.
fn previous_sequence(path: &Path) -> u64 {
    ListFile::load(path).map_or(0, |p| p.list.sequence())
}

/// Today's date in UTC as `YYYYMMDD`.
fn today() -> u32 {
    let date = time::OffsetDateTime::now_utc().date();
    let year = u32::try_from(date.year()).unwrap_or(0);
    year * 10_000 + u32::from(u8::from(date.month())) * 100 + u32::from(date.day())
}

fn sign(secret: &Path, feed_path: &Path) -> Result<()> {
    let body =
        std::fs::read(feed_path).with_context(|| format!("cannot read {}", feed_path.display()))?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| anyhow!("{} is not UTF-8 text", feed_path.display()))?;
    let list = ListFile::parse(text, feed_path)?.list;
    if list.list.id != FEED_LIST {
        bail!(
            "{}: {}",
            feed_path.display(),
            vigie_policy::Error::FeedWrongList {
                id: list.list.id.clone()
            }
        );
    }
    let Some(sequence) = list.list.sequence else {
        bail!(
            "{}: {} (make the feed with vigie feed build)",
            feed_path.display(),
            vigie_policy::Error::FeedNoSequence
        );
    };
    let sk = secret_key(secret)?;
    let pk = minisign::PublicKey::from_secret_key(&sk)
        .map_err(|e| anyhow!("{}: {e}", secret.display()))?;
    let signature = minisign::sign(
        Some(&pk),
        &sk,
        Cursor::new(&body),
        Some(&feed::trusted_comment(sequence)),
        Some(SIGNATURE_COMMENT),
    )
    .map_err(|e| anyhow!("cannot sign {}: {e}", feed_path.display()))?
    .to_string();
    // Signed with the same code path a computer will check it with, before it is published.
    let key = FeedKey::parse(&pk.to_base64())?;
    feed::verify(&body, &signature, &key, 0).with_context(|| {
        format!(
            "the new signature of {} does not check",
            feed_path.display()
        )
    })?;
    let out = signature_path(feed_path);
    crate::files::write_atomic(&out, signature.as_bytes(), 0o644)
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "Signed {} (sequence {sequence}) with key {}: wrote {}. Publish both, at URL and URL.minisig.",
        feed_path.display(),
        key.id(),
        out.display()
    );
    Ok(())
}

/// Reads a secret key, asking its password when it has one.
fn secret_key(path: &Path) -> Result<minisign::SecretKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the secret key {}", path.display()))?;
    let boxed = minisign::SecretKeyBox::from_string(&text)
        .map_err(|e| anyhow!("{} is not a minisign secret key: {e}", path.display()))?;
    match minisign::SecretKey::from_unencrypted_box(boxed.clone()) {
        Ok(sk) => Ok(sk),
        // The only refusal of a well-formed key without its password (minisign 0.10's words,
        // checked by the CLI tests): ask it. Anything else is not a secret key at all.
        Err(e) if e.to_string().contains("might be encrypted") => {
            let password = super::client::secret("Password of the secret key: ")?;
            minisign::SecretKey::from_box(boxed, Some(password))
                .map_err(|e| anyhow!("{}: {e}", path.display()))
        }
        Err(_) if FeedKey::parse(&text).is_ok() => bail!(
            "{} is a public key: sign with the secret key (the --secret file of vigie feed keygen)",
            path.display()
        ),
        Err(e) => bail!("{} is not a minisign secret key ({e})", path.display()),
    }
}

fn verify(
    public: &Path,
    feed_path: &Path,
    signature: Option<PathBuf>,
    newer_than: u64,
) -> Result<()> {
    let key_text = std::fs::read_to_string(public)
        .with_context(|| format!("cannot read the public key {}", public.display()))?;
    let key = FeedKey::parse(&key_text).with_context(|| public.display().to_string())?;
    let body =
        std::fs::read(feed_path).with_context(|| format!("cannot read {}", feed_path.display()))?;
    let signature_file = signature.unwrap_or_else(|| signature_path(feed_path));
    // No signature file reads as an empty signature: the policy's own words say what is wrong.
    let signature = match std::fs::read(&signature_file) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {}", signature_file.display()));
        }
    };
    let verified = feed::verify(&body, &signature, &key, newer_than)
        .with_context(|| format!("{} refused", feed_path.display()))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Good feed: {} is signed by key {}.",
        feed_path.display(),
        key.id()
    )?;
    writeln!(out, "Sequence: {}", verified.sequence)?;
    writeln!(out, "List: {}", verified.list.list.id)?;
    writeln!(out, "Sites: {}", verified.list.sites.len())?;
    writeln!(out, "Domains: {}", verified.list.domains().count())?;
    writeln!(out, "Brands: {}", verified.list.brands.len())?;
    Ok(())
}

/// `FEED.minisig`, next to the feed: the name minisign itself uses.
fn signature_path(feed: &Path) -> PathBuf {
    let mut name = feed.as_os_str().to_owned();
    name.push(".minisig");
    PathBuf::from(name)
}

fn counts(list: &ListFile) -> String {
    format!(
        "{} sites, {} domains, {} brands",
        list.sites.len(),
        list.domains().count(),
        list.brands.len()
    )
}

/// Writes a new file whole, with `mode` from the start, failing if `path` exists: the file is
/// written under a temporary name and linked into place only if nothing is there.
fn create_new(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let context = || format!("cannot write {}", path.display());
    let mut tmp = tempfile::Builder::new()
        .prefix(".vigie-key.")
        .permissions(std::fs::Permissions::from_mode(mode))
        .tempfile_in(dir)
        .with_context(context)?;
    tmp.write_all(bytes).with_context(context)?;
    tmp.as_file().sync_all().with_context(context)?;
    // The umask may have narrowed the mode asked for at creation.
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))
        .with_context(context)?;
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow!(
                "{} already exists: a key is never overwritten",
                path.display()
            )
        } else {
            anyhow!("cannot write {}: {}", path.display(), e.error)
        }
    })?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(context)
}
