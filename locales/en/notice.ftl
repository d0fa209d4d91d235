# The notifier (src-tauri/src/tray.rs): the tray icon's menu and tooltip, and
# the notice the child sees when a blocked site is tried. The child reads
# these: short, calm, never scolding.

## The notice for a blocked attempt

notice-title = This site is blocked
notice-body = { $site } is blocked on this computer. If you need it, talk to a parent.
# A site that a brand rule blocked: the name looked up, and the known site it
# looks like (e.g. Omegle).
notice-body-brand = { $name } looks like { $brand }, so it is blocked on this computer. If you need it, talk to a parent.
notice-body-unnamed = This site is blocked on this computer. If you need it, talk to a parent.

## The alert a parent's session gets when someone else on this computer tries
## a blocked site (at most once per site per ten minutes)

alert-title = A blocked site was tried
# $account is the person's name from their account, else the login name.
alert-body = Someone on this computer tried { $site } — { $account }'s account
# The lookup came through a resolver that hides who asked (e.g. systemd-resolved).
alert-body-unknown = Someone on this computer tried { $site } (which account cannot be told)

## The tray icon

tray-tooltip = Vigie
# The tooltip with the state line, e.g. "Vigie — This computer is protected".
tray-tooltip-state = Vigie — { $state }
tray-checking = Checking protection…
tray-open-console = Open console
tray-protected = This computer is protected
tray-not-running = Vigie is not running: this computer is not protected
tray-paused = Protection is paused by a parent
tray-not-reaching = This computer's lookups do not reach Vigie
