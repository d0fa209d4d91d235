# Why a pasted name, a list or settings file or a downloaded feed was refused
# (crates/policy: domain.rs, error.rs, list.rs, settings.rs, import.rs,
# policy.rs, special.rs, feed.rs). Usually read by a parent who pasted a name or
# edited a file by hand. The English words are also the policy's own English
# text (logs, the command line), with straight quotes; the tests of crates/i18n
# keep them equal. Most of these are shown after "Cannot be added:" or after a
# file and line, so they start with a small letter.

## A name that cannot be a site (vigie_policy::Error, one id per variant)

reason-empty-name = the name is empty: enter a site's name, like example.com
reason-ip-address = "{ $name }" is an IP address, not a site's name: Vigie blocks sites by name, so enter a name like example.com
# $shown is one of the reason-character-* messages below.
reason-bad-character = "{ $name }" contains { $shown }, which cannot be part of a site's name
reason-character-space = a space
reason-character-underscore = an underscore (_)
# $code is the character's code point in hexadecimal, e.g. 200B.
reason-character-invisible = the invisible character U+{ $code }
reason-character-other = '{ $char }'
reason-empty-label = "{ $name }" has an empty part between two dots
reason-hyphen-at-edge = "{ $label }" in "{ $name }" starts or ends with a hyphen, which names cannot do
reason-label-too-long = "{ $name }" is too long: each part between dots can have at most { $max } characters, and one has { $len }
reason-name-too-long = the name is too long: at most { $max } characters are allowed, and it has { $len }
reason-single-label = "{ $name }" is not a full site name: enter a name with a dot, like example.com
reason-public-suffix = "{ $name }" is an ending shared by many unrelated sites, not one site: enter a full name such as example.{ $name }
reason-invalid-idn = "{ $name }" is not a valid international name

## Problems in a file (vigie_policy::Error), placed in the file

# $file, $line and $column: pass $line and $column as text so they are not grouped.
file-error-syntax = { $file }:{ $line }:{ $column }: { $reason }
file-error-at = { $file }:{ $line }:{ $column }: { $problem }
file-error-setting = { $file }: { $field }: { $reason }
file-error-duplicate = "{ $domain }" is listed twice: in site "{ $first }" and again in site "{ $second }"
file-error-duplicate-list = the list id "{ $id }" is used by both { $first } and { $second }
file-error-io = { $path }: { $reason }
# $problems is the problems joined by file-error-separator.
file-error-invalid = { $count ->
    [one] { $count } problem: { $problems }
   *[other] { $count } problems: { $problems }
}
file-error-separator = ;

## List files (list.rs, policy.rs)

list-error-needs-name = the list needs a name that parents will read
list-error-site-needs-name = every site needs a name that parents will read
list-error-site-no-domain = site "{ $site }" lists no domain
list-error-id-length = a list id needs 1 to { $max } characters
list-error-id-characters = "{ $id }" may only use lowercase letters, digits and hyphens (not at the start)
list-error-unknown-id = no list has this id; the setting is ignored
list-error-file-name = the file name is the list's id: { $reason }
list-error-sequence = the sequence is a whole number of 0 or more without quotes, like 2026120100
list-imported-from = Imported from { $path }

## Why a site is blocked (brand.rs)

# How the console and the journal name what a brand rule blocked (e.g. Omegle):
# the attempt log's "site" column, the top sites.
site-brand = looks like { $brand }

## Texts in several languages (text.rs): a list's name and description, a site's note

text-error-language = "{ $code }" is not a language code: write a short lowercase code, such as en or fr
text-error-not-text = each language's form must be text in quotes
text-error-empty = this form is empty: write the text, or remove the line
text-error-needs-english = a text written in several languages needs its English form (en): readers of other languages see it

## Importing a community list (import.rs)

import-summary = { $taken ->
    [one] { $taken } name taken
   *[other] { $taken } names taken
}, { $skipped } skipped ({ $reasons })
import-summary-first = { $summary }; first at line { $line }: { $detail }
# One count of skipped lines, e.g. "3 an exception rule"; $reason is an import-skip-* message.
import-skip-count = { $count } { $reason }
import-skip-invalid-name = not a valid domain name
import-skip-ip-address = an IP address, not a name
import-skip-public-suffix = an ending shared by many sites
import-skip-local-name = a local name of this computer
import-skip-not-a-hosts-line = not an address followed by names
import-skip-not-a-domain-rule = a rule that is not a whole-domain rule
import-skip-exception-rule = an exception rule
import-detail-not-an-address = "{ $address }" is not an address; a hosts line starts with one, like 0.0.0.0
import-detail-local-name = "{ $name }" names this computer
import-detail-exception-rule = "{ $rule }" is an exception rule
import-detail-not-a-domain-rule = "{ $rule }" is not a whole-domain rule like ||example.com^

## settings.toml (settings.rs)

setting-error-listen-address = "{ $text }" is not an address with a port, like 127.0.0.1:53 or [::1]:53
setting-error-listen-empty = at least one address is needed, like 127.0.0.1:53
setting-error-upstream-address = "{ $address }" is not an IP address (with an optional port), like 9.9.9.9 or 9.9.9.9:853
setting-error-server-name = tls and https need the name on the server's certificate, like dns.quad9.net
setting-error-path = "{ $path }" must start with /
setting-error-block-address = "{ $address }" is not an IPv4 address, like 127.0.0.88
setting-error-page-listen = "{ $text }" is not an address with a port, like 127.0.0.88:80
setting-error-out-of-range = { $value } is out of range: use { $min } to { $max }
setting-error-language = "{ $text }" is not a language Vigie speaks: use auto, fr or en

## Names answered the same whatever the lists say (special.rs)

special-firefox-canary = Firefox's automatic DNS-over-HTTPS stays off on this computer
special-private-relay = iCloud Private Relay is not available on this computer
special-resolver-discovery = encrypted resolver discovery is not offered here

## Vigie's signed feed of the stranger-chat list (feed.rs), downloaded by the service

feed-error-signature-missing = the feed has no signature: it is published with one, at the feed's address followed by .minisig
feed-error-signature-malformed = the feed's signature is not in the minisign format: four lines, an untrusted comment, the signature, a trusted comment and the global signature
feed-error-signature-legacy = the feed's signature is in minisign's legacy format, which Vigie does not accept: sign the feed again with vigie feed sign or a current minisign
feed-error-key-malformed = the feed's public key is not a minisign public key: give the line that starts with RW, or the whole .pub file
# $signed and $trusted are key ids, 16 hexadecimal digits.
feed-error-wrong-key = the feed was signed with the key { $signed }, not with the key { $trusted } that Vigie trusts
feed-error-bad-signature = the feed's signature does not match its content: the feed or its signature was changed after signing
feed-error-no-signed-sequence = the signature's trusted comment is "{ $comment }", without "vigie-feed sequence=N": sign the feed with that trusted comment
# $problem is why the feed's text does not read as a list file.
feed-error-not-a-list = the feed is not a Vigie list: { $problem }
feed-error-wrong-list = the feed carries the list "{ $id }", not Vigie's list "{ $expected }"
feed-error-no-sequence = the feed's list has no sequence number: its [list] table needs sequence = N
# Sequence numbers are passed as text, like 2026120100.
feed-error-sequence-mismatch = the feed's list says sequence { $body }, but its signature says sequence { $signed }
feed-error-not-newer = the feed's sequence { $sequence } is not newer than { $current }, the one in force: an older copy never replaces a newer one
feed-error-empty = the feed's list has no site: applying it would unblock every site of the shipped list
