# The parent's console (ui/): every word the parent reads in the window.
# The parent is addressed directly ("you"). Numbers passed as variables are
# formatted for the language; pass line numbers and years as text.

## The window and its navigation

app-name = Vigie
app-window-title = Vigie — parent console
nav-label = Screens
nav-overview = Overview
nav-sites = Sites
nav-activity = Activity
nav-settings = Settings
nav-lock-now = Lock now

## The banner shown while the service does not answer

banner-down = Vigie's service is not running: this computer is not protected right now.
banner-what-to-do = What to do:
banner-retrying = { $seconds ->
    [one] Trying again every second…
   *[other] Trying again every { $seconds } seconds…
}

## Is this computer protected (lock screen, overview, banner)

protection-down-headline = Not protected: Vigie's service is not running
protection-down-detail = While it is stopped, blocked sites open normally and nothing is recorded.
protection-down-fix = Restart the computer. If this stays, run `sudo systemctl restart vigie` (or `vigie run --dev` when trying Vigie out). This window reconnects by itself.
protection-paused-headline = Paused until { $time }
protection-paused-detail = A parent paused protection. Blocked sites open until then; it comes back by itself.
protection-paused-fix = Press “{ overview-resume }” to turn it back on now.
protection-not-reaching-headline = Not protected: this computer's lookups do not reach Vigie
protection-not-reaching-detail = The computer asks another DNS server, so Vigie never sees the sites being opened.
protection-not-reaching-fix = Reinstall Vigie, or set this computer's DNS server back to 127.0.0.1.
protection-config-error-headline = Protected, but your last change did not take effect
protection-config-error-detail = The previous settings stay in force. The problem: { $problem }
protection-config-error-fix = Correct the file named above, or undo your last change.
protection-ok-headline = This computer is protected
protection-ok-detail = { $count ->
    [one] { $count } blocked domain is in force.
   *[other] { $count } blocked domains are in force.
}

## Lock screen and first run

lock-welcome-title = Welcome to Vigie
lock-welcome-intro = Choose the parent password. It protects the lists, the record of attempts and the settings. Keep it to yourself: anyone who knows it can turn the blocking off.
lock-welcome-administrator = The computer may ask for its administrator password (the one asked when installing programs): only a parent may choose this password.
lock-password-label = Parent password
lock-strength-label = Password strength
lock-confirm-label = Type it again
lock-set-password = Set the password
lock-locked-title = Vigie is locked
lock-locked-intro = Type the parent password to see the lists, the attempts and the settings.
lock-unlock = Unlock

## Password strength, while typing a new password

strength-empty-hint = At least { $min } characters. A short sentence is easy to remember and hard to guess.
strength-too-short = Too short
strength-missing = { $count ->
    [one] { $count } more character needed.
   *[other] { $count } more characters needed.
}
strength-easy = Easy to guess
strength-easy-hint = Avoid common passwords and repeated characters.
strength-fair = Fair
strength-fair-hint = Longer is better: try three or four words with spaces.
strength-good = Good
strength-good-hint = A few more words would make it stronger still.
strength-strong = Strong
strength-strong-hint = Good: long passwords are the hardest to guess.
# A strength label followed by its hint, e.g. "Too short. 3 more characters needed."
strength-label-and-hint = { $label }. { $hint }
password-too-short = The password needs at least { $min } characters.
password-mismatch = The two passwords are not the same.

## Overview

overview-resume = Resume protection
overview-resumed = Protection is back on.
overview-pause = { $minutes ->
    [one] Pause for { $minutes } minute
   *[other] Pause for { $minutes } minutes
}
overview-paused = { $minutes ->
    [one] Protection is paused for { $minutes } minute.
   *[other] Protection is paused for { $minutes } minutes.
}
overview-what-to-do = What to do:
overview-journal-error = Attempts are not being recorded:
overview-upstream-down = Vigie cannot reach the DNS servers it forwards to: allowed sites may not open. Check the internet connection, or pick another server in Settings.
overview-coverage-title = What is protected
coverage-lists = The lists are in force: { $count } domains are blocked.
coverage-lists-off = Some lists are turned off: { $lists }.
coverage-system-ok = This computer's own lookups go through Vigie.
coverage-system-bad = This computer's own lookups do not reach Vigie yet.
coverage-system-unknown = Vigie has not yet checked that this computer's lookups reach it.
coverage-redirect-active = Programs that pick their own DNS server are sent to Vigie too.
coverage-redirect-failed = Programs that pick their own DNS server are not sent to Vigie right now: the redirect is not in place.
coverage-redirect-none = Programs that pick their own DNS server are not sent to Vigie: the redirect is not set up on this computer (it needs nftables). Most programs use the computer's DNS anyway.
coverage-feeds-ok = { $count ->
    [one] Vigie keeps { $count } list feed up to date.
   *[other] Vigie keeps { $count } list feeds up to date.
}
overview-dnssec-in-front = systemd-resolved on this computer checks DNSSEC signatures (DNSSEC={ $value } in its settings): it shows blocked sites as errors, without the block page or the child's notice. Set DNSSEC=no in its settings, or install Vigie again.
overview-dns-no-server = The network this computer is on offers no DNS server yet: sites that are not blocked will not open until it does (blocked sites stay blocked). Check the Wi-Fi or cable connection.
overview-dns-none-answers = No DNS server answers ({ $servers }) since { $time }: sites that are not blocked may not open, though the ones visited recently still do. Check the internet connection.
overview-dns-chosen-silent = The DNS server you chose, { $servers }, does not answer since { $time }; meanwhile Vigie uses the network's: { $using }. The lists still apply.
overview-dns-one-silent = The DNS server { $servers } does not answer since { $time }; Vigie is using { $using }.
settings-dns-network-now = Right now the network offers { $servers } (found by { $source }); Vigie follows it from network to network.
settings-dns-network-none = Right now the network offers no DNS server.
settings-dns-chosen-fallback = If the server below does not answer (on a hotel's Wi-Fi before its login page, say), Vigie asks the network's: { $servers }.
overview-today-title = Attempts today
overview-since-start = { $blocked ->
    [one] { $blocked } lookup blocked
   *[other] { $blocked } lookups blocked
} out of { $queries } since Vigie started.
overview-chart-title = { $days ->
    [one] Attempts per day, last day
   *[other] Attempts per day, last { $days } days
}
overview-chart-label = { $days ->
    [one] Attempts per day over the last day
   *[other] Attempts per day over the last { $days } days
}
overview-chart-dataset = Attempts
overview-top-title = Most attempted sites
overview-top-empty = { $days ->
    [one] No attempts in the last day.
   *[other] No attempts in the last { $days } days.
}
overview-attempts = { $count ->
    [one] { $count } attempt
   *[other] { $count } attempts
}

## Sites

sites-add-title = Block a site
sites-add-hint = Paste anything: an address from the browser, a name with www., capitals. Vigie shows what it will block before you save.
sites-input-label = Address or name
sites-input-placeholder = https://www.example.com/page
sites-name-label = Name to show (optional)
sites-name-placeholder = optional, e.g. Example chat
sites-block = Block this site
sites-allow = Allow it instead
sites-saved-blocked = Saved: { $domain } and everything under it is blocked now.
sites-saved-allowed = Saved: { $domain } is allowed now, whatever the lists say.
sites-conflict = Your sites were changed elsewhere meanwhile. The list below is up to date now: check it, then save again.
sites-test-title = Test a name
sites-test-label = Name or address
sites-test-placeholder = www.omegle.com
sites-test-button = Test
sites-mine-title = Your blocked sites
sites-mine-empty = None yet: paste an address above to block a site.
sites-allowed-title = Always allowed
sites-allowed-hint = An allowed site opens even if a list blocks it.
sites-allowed-empty = Nothing is allowed over the lists.
sites-lists-title = Lists that come with Vigie
sites-remove = Remove
sites-remove-label = Remove { $domain }
sites-removed = Removed { $domain }. It applies now.
sites-list-on = On
sites-list-off = Off
sites-list-turned-on = { $list } is on now: its sites are blocked.
sites-list-turned-off = { $list } is off now: its sites open normally.
sites-list-search = Search this list
sites-list-search-label = Search { $list }
sites-list-show = { $count ->
    [one] Show its { $count } site
   *[other] Show its { $count } sites
}
sites-list-counts = { $sites ->
    [one] { $sites } site
   *[other] { $sites } sites
}, { $domains ->
    [one] { $domains } domain
   *[other] { $domains } domains
}

## Sites: list feeds (lists that others keep up to date on the web, downloaded by the service)

feeds-title = List feeds
feeds-hint = Lists that other people keep up to date on the web. Vigie downloads each one again in the background and blocks its sites; when a download fails, the last good copy stays in force.
feeds-empty = No list feeds yet: paste the address of one below.
feeds-add-title = Add a feed
feeds-url-label = Address of the list
feeds-url-placeholder = https://example.org/list.txt
# Under the address box: where the list comes from, e.g. "From example.org".
feeds-url-host = From { $host }
feeds-url-empty = Paste the address of a list; it starts with https://.
feeds-name-label = Name to show (optional)
feeds-name-placeholder = optional: { $host } if left empty
feeds-name-placeholder-none = optional: the address's host if left empty
feeds-advanced = Advanced
feeds-format-label = Format
feeds-format-auto = Recognized automatically
feeds-format-hosts = Hosts file (0.0.0.0 example.com)
feeds-format-domains = One domain per line
feeds-format-adblock = Adblock rules (||example.com^)
feeds-format-vigie = Vigie list (TOML)
feeds-refresh-label = Look for a new copy
feeds-every-hours = { $count ->
    [one] every hour
   *[other] every { $count } hours
}
feeds-every-days = { $count ->
    [one] every day
   *[other] every { $count } days
}
# $every: how often, e.g. "every day"
feeds-every = Checked { $every }.
feeds-add = Add this feed
feeds-added = Added { $name }. Vigie is downloading it now.
feeds-conflict = The feeds were changed elsewhere meanwhile. The list above is up to date now: check it, then add again.
feeds-state-ok = Up to date
feeds-state-pending = Not downloaded yet
feeds-state-failing = Failing
feeds-state-off = Off
feeds-domains = { $count ->
    [one] { $count } domain
   *[other] { $count } domains
}
feeds-line-off = Off: its sites open normally.
feeds-line-pending = Not downloaded yet.
# $when: e.g. "2 hours ago", "just now", "on 23 Nov 2026, 14:05"
feeds-line-updated = Updated { $when }.
# $reason: why, e.g. "the server answered 503"
feeds-line-failed = The download failed: { $reason }.
feeds-line-failed-at = The last check, { $when }, failed: { $reason }.
feeds-line-failing-kept = The copy downloaded { $when } stays in force.
feeds-line-failing-nothing = Nothing is downloaded yet, so it blocks nothing.
# $when: e.g. "in 5 minutes"
feeds-line-next-try = Next try { $when }.
feeds-line-checking = Checking now…
feeds-error-unknown = no reason was given
feeds-toggle-label = Use { $name }
feeds-refresh = Refresh now
feeds-refresh-label-for = Refresh { $name } now
feeds-refreshing = Checking { $name } now.
feeds-remove = Remove
feeds-remove-label = Remove { $name }
feeds-remove-confirm = Remove { $name }? Its sites open again, unless another list blocks them.
feeds-remove-yes = Yes, remove it
feeds-remove-cancel = Keep it
feeds-removed = Removed { $name }.

## Sites: updates of Vigie's own list (its signed feed)

vigie-feed-title = Updates of Vigie's own list
vigie-feed-hint = The project publishes new copies of its list of Omegle's clones, signed, so that a new clone is blocked without waiting for a new version of Vigie.
vigie-feed-none = This copy of Vigie has no update feed; the lists update with new versions.
vigie-feed-toggle = Download updates of Vigie's list
vigie-feed-off = Off: the list that came with this version of Vigie stays in force.
vigie-feed-pending = On, not checked yet.
vigie-feed-checked = On, checked { $when }.
vigie-feed-failing = On, but its last check failed: { $reason }.
# $sequence, $shipped: list numbers such as 2026120502
vigie-feed-newer = The list in force is number { $sequence }, newer than the one this version came with ({ $shipped }).
vigie-feed-shipped = The list in force is the one this version came with (number { $sequence }).
vigie-feed-address = Downloaded from { $url }
vigie-feed-mirror-label = Another address (a mirror)
vigie-feed-mirror-hint = A copy from another address must still carry the project's signature, or Vigie refuses it.
vigie-feed-mirror-save = Use this address
vigie-feed-builtin = Back to the built-in address
vigie-feed-turned-on = Updates of Vigie's list are on.
vigie-feed-turned-off = Updates of Vigie's list are off: the list that came with this version stays in force.
vigie-feed-mirror-saved = Vigie's list now downloads from { $host }.
vigie-feed-builtin-saved = Vigie's list downloads from its built-in address again.

## What a pasted address becomes (under the paste box)

preview-becomes = Becomes { $domain }: the site and every name under it.
# An international name and the form DNS uses, e.g. "bücher.example (xn--bcher-kva.example)".
preview-unicode-form = { $unicode } ({ $domain })
preview-refused = Cannot be added: { $reason }

## Activity

activity-title = Attempts to open blocked sites
activity-search = Search
activity-search-placeholder = Search names, sites, accounts, devices
activity-site = Site
activity-all-sites = All sites
activity-from = From
activity-to = To
activity-export = Export as CSV
activity-exported = Saved every matching attempt to { $path }. It opens in any spreadsheet.
activity-empty = No attempts match.
activity-via = via { $cname }
activity-col-when = When
activity-col-site = Site
activity-col-name = Name looked up
activity-col-lookups = Lookups
activity-col-who = Who
activity-account = Account
activity-all-accounts = All accounts
# An account in the filter: the person's name, then the login name.
activity-account-option = { $name } ({ $login })
# An attempt from this computer whose account cannot be told (it came through a
# resolver that asks for everyone, such as systemd-resolved).
activity-this-computer = This computer (account unknown)
activity-program = with { $program }
activity-through = through { $stub }
activity-device = Device { $address }
activity-newer = Newer
activity-older = Older
activity-page = Page { $page }

## Settings

settings-title = Settings
settings-upstream-legend = Where allowed lookups go
settings-custom-address = Server address
settings-custom-protocol = Protocol
settings-custom-server-name = Server name (for encrypted DNS)
settings-block-mode = When a site is blocked
settings-block-mode-blockpage = Show a notice page (recommended)
settings-block-mode-null = Fail to connect, silently
settings-block-mode-nxdomain = Say the site does not exist
settings-notices = Show a notice on the screen when a blocked site is tried
settings-retention = Keep the record of attempts for (days)
settings-retention-too-short = { $min ->
    [one] Keep attempts for at least { $min } day.
   *[other] Keep attempts for at least { $min } days.
}
settings-save = Save settings
settings-saved = Saved. The new settings apply now.
settings-saved-toast = Settings saved. They apply now.
settings-language-title = Language
settings-language = Language of the console
settings-language-auto = Automatic
settings-language-fr = Français
settings-language-en = English
settings-language-hint = “Automatic” follows the language of this computer's session.

## Parent accounts

settings-parents-title = Parent accounts
settings-parents-none = Every account needs the parent password to change Vigie.
settings-parents-intro = These accounts change Vigie without the parent password, from their own session:
settings-parents-account-named = { $person } ({ $login })
settings-parents-how = Only the computer's administrator can change this list: add an account with “sudo vigie install --parent NAME”, remove one from [parents] in /etc/vigie/settings.toml. Never add an account that a child uses.

## Where allowed lookups go: presets and a custom server

preset-system-label = This computer's usual DNS (recommended)
preset-system-description = The DNS servers of the network this computer is on (usually your internet box), followed from network to network.
preset-cloudflare-family-label = Cloudflare for Families (encrypted, filters adult content)
preset-cloudflare-family-description = DNS over HTTPS to 1.1.1.3: also blocks malware and adult sites.
preset-cleanbrowsing-family-label = CleanBrowsing Family (encrypted, filters adult content)
preset-cleanbrowsing-family-description = DNS over HTTPS to CleanBrowsing's family filter.
preset-quad9-label = Quad9 (encrypted, blocks malware)
preset-quad9-description = DNS over TLS to 9.9.9.9.
upstream-custom-label = Another DNS server
upstream-custom-description = For example your own router's address.
upstream-protocol-udp = Plain (UDP)
upstream-protocol-tcp = Plain (TCP)
upstream-protocol-tls = Encrypted (TLS)
upstream-protocol-https = Encrypted (HTTPS)
upstream-problem-empty = Type the address of the DNS server, for example 192.168.1.1.
upstream-problem-not-ip = “{ $address }” is not an IP address: a DNS server is given by its address, like 192.168.1.1.
upstream-problem-needs-name = Encrypted DNS needs the server's name (for example dns.quad9.net) to check who answers.

## Changing the parent password

password-change-title = Change the parent password
password-current = Current password
password-new = New password
password-confirm-new = Type the new one again
password-change = Change password
password-changed = Password changed. Unlock with the new one.

## Dates and times (the parts come from the formatting helpers)

# A day and a time, e.g. "23 Nov 2026, 14:05".
format-date-time = { $date }, { $time }

## How long ago, and how soon (the list feeds' checks)

time-just-now = just now
time-minutes-ago = { $count ->
    [one] a minute ago
   *[other] { $count } minutes ago
}
time-hours-ago = { $count ->
    [one] an hour ago
   *[other] { $count } hours ago
}
time-days-ago = { $count ->
    [one] a day ago
   *[other] { $count } days ago
}
# $date: a day and time, e.g. "23 Nov 2026, 14:05"
time-on-date = on { $date }
time-soon = in a moment
time-in-minutes = { $count ->
    [one] in a minute
   *[other] in { $count } minutes
}
time-in-hours = { $count ->
    [one] in an hour
   *[other] in { $count } hours
}
time-in-days = { $count ->
    [one] in a day
   *[other] in { $count } days
}

## The app's errors (src-tauri/src/error.rs and its commands), by kind

error-setup-needs-administrator = Ask a parent to finish setting up Vigie: choosing the first parent password needs the computer's administrator password (the one asked when installing programs).
error-service-down = Vigie's service is not answering, so this computer is not protected right now. Restart the computer, or ask whoever installed Vigie to run `sudo systemctl restart vigie`. This window reconnects by itself.
error-locked = The parent session has ended: type the parent password again.
error-wait = Too many wrong passwords: wait a little, then try again.
error-invalid = This was refused: check what you typed.
error-conflict = These settings were changed elsewhere while you were editing. The current version has been loaded: check it and make your change again.
error-failed = Something went wrong. Try again; if it keeps happening, restart the computer.
error-wrong-password = That is not the parent password.
error-current-password-wrong = The current password is not right.
error-export-failed = The file could not be saved in { $folder }: { $reason }
