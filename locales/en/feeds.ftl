# List feeds that update themselves (crates/dnsd/src/feeds, api/subscriptions.rs): the
# `[[subscription]]` and `[feed]` settings, why a download was refused, and the API's refusals.
# Read by a parent in the console or at the command line.

## settings.toml: [[subscription]] and [feed] (settings.rs)

setting-error-subscription-name = a name of 1 to { $max } characters is needed
setting-error-feed-url = "{ $url }" is not a web address: write one that starts with https:// or http://
setting-error-feed-url-credentials = a list's address may not carry a user name or password
setting-error-feed-url-long = the address is longer than { $max } bytes
setting-error-duration = "{ $text }" is not a duration like 24h, 90m or 2d
setting-error-refresh-short = "{ $text }" is shorter than 1h
setting-error-subscription-duplicate = this address is already subscribed, as subscription[{ $first }]
setting-error-subscriptions-many = at most { $max } subscriptions are allowed

## A downloaded list, as the lists show it

# $host: the server it comes from, like example.org
feed-list-description = Downloaded from { $host }

## Why the last check of a feed failed (the last good copy stays in force)

feed-failed-status = the server answered { $status }
feed-failed-html = the page is a web page, not a list
feed-failed-empty = the list is empty
feed-failed-too-big = too big (over { $limit })
feed-failed-timeout = took too long
feed-failed-connect = the server could not be reached
feed-failed-download = the download broke off
feed-failed-signature = signature does not match
feed-failed-signature-missing = the signature is missing
feed-failed-older = older than the list in force
# $problem: why the text is not a list in Vigie's format (another message)
feed-failed-not-vigie-list = not a Vigie list: { $problem }
feed-failed-not-saved = the copy could not be saved: { $reason }

## Vigie's own feed, when it is off

feed-off-no-build = this build names no feed
feed-off-by-parent = turned off by a parent
feed-pending = not downloaded yet

## `vigie status`

status-feeds-failing = { $count ->
    [one] A list feed failed at its last check (its last good copy stays in force): { $names }.
   *[other] { $count } list feeds failed at their last check (their last good copies stay in force): { $names }.
}
# Instead of the names, for someone who is not a parent
status-feeds-names-hidden = a parent can see which
status-vigie-feed-off = Vigie's own list feed is off: { $reason }.
status-vigie-feed-failing = Vigie's own list feed failed at its last check: { $reason }.

## The local API's refusals (api/subscriptions.rs)

api-subscription-unknown = no subscription has the id "{ $id }"
api-subscription-exists = this address is already subscribed, as "{ $name }"
api-subscription-off = "{ $name }" is turned off: turn it on to check it
