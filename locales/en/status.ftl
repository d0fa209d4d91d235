# The service's own words (crates/dnsd, crates/localapi): the status of
# protection, the "Test a name" explanations, the local API's refusals and the
# client's errors. Read by a parent in the console or at the command line.
# The English words are also the service's own English text (the API's
# `error` and `explanation`, the command line), with straight quotes.

## Protection status (GET /v1/status; `vigie status`)

status-protected = { $count ->
    [one] This computer is protected: { $count } domain is blocked.
   *[other] This computer is protected: { $count } domains are blocked.
}
status-paused-until = Protection is paused until { $time } (a parent paused it).
status-paused-comes-back = Protection is paused until { $time }. It comes back by itself then, or now with `vigie resume`.
status-on = Protection is on.
status-lookups-reach = This computer's own lookups go through Vigie.
status-lookups-not-reaching = This computer's own lookups do not reach Vigie, so sites are not blocked. Run `sudo vigie install` again, or see the README.
status-reload-error = A configuration change was not applied (the previous one stays): { $problem }
status-attempts-today = Attempts to open blocked sites today: { $count }
status-journal-error = Attempts are not being recorded ({ $problem }); blocking goes on.
status-dns = DNS: { $listen } → { $upstreams }
status-upstream-down = The upstream resolver did not answer lately: sites that are not blocked may not open.
status-no-password = No parent password is set yet: choose one with `vigie password set`.
status-version = { $minutes ->
    [one] Version { $version }, running for { $minutes } minute.
   *[other] Version { $version }, running for { $minutes } minutes.
}
status-not-running = Vigie's service is not running: this computer is not protected.

## Why attempts are not recorded (the journal)

journal-size-limit = journal size limit reached
journal-writer-stopped = journal writer stopped abnormally: { $reason }
journal-encode-failed = cannot encode journal entry: { $reason }
journal-io-failed = journal I/O task failed: { $reason }

## "Test a name" (GET /v1/check)

# $what is one of the special-* messages.
check-special = Answered the same whatever the lists say: { $what }.
check-blocked = Blocked: it is { $site } (list "{ $list }", rule { $rule }).
check-allowed = Allowed by "{ $site }" in { $list } (rule { $rule }).
check-brand = Blocked: it looks like { $brand }: { $domain } (list "{ $list }", brand rule "{ $rule }"; no listed site names it).
check-unlisted = Not on any list in force: it opens normally.
check-paused = Protection is paused: it opens until the pause ends, then it is blocked again.

## The parent's own lists (the service's store)

store-my-sites-name = My blocked sites
store-my-sites-description = Sites a parent added on this computer.
store-allowed-name = Allowed sites
store-allowed-description = Sites a parent allowed on this computer, even when a list blocks them.

## The local API's refusals (crates/dnsd/src/api)

api-stale = this was changed since you read it (by someone else or by hand): reload it and make your change again
api-upstream-loop = { $address } is Vigie itself: lookups would go round in a loop and nothing would open. Choose another server; nothing was saved
api-upstream-stub = { $address } is systemd-resolved, which sends every lookup back to Vigie: nothing would open. Choose “This computer's usual DNS” or another server; nothing was saved
api-too-large = the request is larger than { $max } bytes
api-session-ended = the parent session has ended (it expired, or someone logged out or changed the password): log in again
api-needs-parent = this needs a parent: log in with the parent password first
api-no-endpoint = no such endpoint: see docs/api.md for the list
api-password-already-set = a parent password is already set: log in, or change it with the current one
api-setup-needs-administrator = ask a parent to finish setting up Vigie: the first parent password is chosen with the computer's administrator rights (sudo vigie password set)
api-no-password = no parent password is set yet: choose one first (setup)
api-wrong-password = wrong password
api-throttled = { $seconds ->
    [one] too many wrong passwords: try again in { $seconds } second
   *[other] too many wrong passwords: try again in { $seconds } seconds
}
api-password-unreadable = the password file cannot be read: { $reason }
api-password-too-short = the password needs at least { $min } characters
api-password-only-spaces = the password cannot be only spaces
api-password-not-hashed = the password could not be hashed: { $reason }
api-password-not-saved = the password could not be saved in { $path }: { $reason }
api-no-list = no list has the id "{ $id }"
api-settings-broken = settings.toml has a problem to fix by hand first: { $problem }
api-file-broken = { $path } has a problem to fix by hand first: { $problem }
api-not-written = { $path } could not be written: { $reason }
api-saved-not-in-force = saved, but not in force because of a problem elsewhere in the configuration: { $problem }
api-list-disappeared = the list disappeared during the change
api-site-name-empty = the site's name cannot be empty
api-site-name-too-long = the site's name can have at most { $max } characters
api-site-name-length = a site's name needs 1 to { $max } characters
api-not-in-list = { $domain } is not in { $list }
api-not-your-site = { $domain } is not one of your sites
api-needs-if-match = send the version you edit in If-Match (the ETag of GET /v1/settings), so no change is overwritten unseen
api-pause-range = a pause lasts 1 to { $max } minutes ({ $hours } hours); asked: { $asked }
api-date = { $field } must be a date like 2026-01-31, not "{ $text }"
api-from-after-to = from must not be after to
api-max-days = ask for at most { $max } days at once
api-limit = limit must be 1 to { $max }
api-cursor = cursor must be a next_cursor from an earlier page
api-days = days must be 1 to { $max }
api-journal-unreadable = the journal cannot be read: { $reason }
api-check-usage = { $reason }; use /v1/check?name=example.com

## The client of the local API (crates/localapi)

client-not-running = Vigie's service is not running (nothing answers at { $socket }): start it with `vigie run --dev`, or `sudo systemctl start vigie` once installed
client-http = talking to Vigie's service failed: { $reason }
client-decode = unexpected answer from Vigie's service: { $reason }
