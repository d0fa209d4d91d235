# The block page (crates/dnsd/src/blockpage.rs): what a child sees when a
# plain-HTTP visit lands on the block address. The site and list names are
# escaped for HTML by the caller before they are passed in.

blockpage-title-site = { $site } is blocked on this computer
blockpage-lead-list = It is on the list “{ $list }” that a parent chose for this computer.
# A site that a brand rule blocked: the title names its domain, this says which
# known site it looks like (e.g. Omegle).
blockpage-lead-brand = It looks like { $brand }, one of the sites on the list “{ $list }” that a parent chose for this computer.
blockpage-title = This site is blocked on this computer
blockpage-lead = A parent chose to keep it closed on this computer.
blockpage-next = If you need this site for something, talk to a parent. They can open it for you.
