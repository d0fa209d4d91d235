//! Lookups allocate nothing, on every path: allowed, blocked by a domain, blocked by a brand
//! (lowercase and mixed case), excepted from a brand, and unlisted. A binary of its own, with a
//! counting allocator and one test, so that no other test's allocations are counted.

use std::alloc::System;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use vigie_policy::{Decision, Domain, Origin, Policy, Settings, shipped_lists};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn lookups_allocate_nothing_with_brand_rules_on() {
    let mut lists = shipped_lists().unwrap();
    let chat = lists
        .iter_mut()
        .find(|l| l.list.id == "stranger-chat")
        .unwrap();
    let ometv = chat.brands.iter_mut().find(|b| b.text == "ometv").unwrap();
    ometv
        .exceptions
        .push(Domain::parse("hometvshop.example").unwrap());
    let allow = vigie_policy::ListFile::parse(
        "[list]\nid = \"ok\"\nname = \"OK\"\naction = \"allow\"\n[[site]]\nname = \"School\"\ndomains = [\"help.omeglechat.com\"]\n",
        std::path::Path::new("ok.toml"),
    )
    .unwrap()
    .list;
    let mut all: Vec<_> = lists.into_iter().map(|l| (l, Origin::Shipped)).collect();
    all.push((allow, Origin::Shipped));
    let matcher = Policy::compile(Settings::default(), all).matcher;

    let names = [
        ("help.omeglechat.com", "allowed"),
        ("www.omegle.com", "domain"),
        ("www.omeglechat.com", "brand"),
        ("Cdn.OmegleChat.CO.UK.", "brand"),
        ("omegle.blogspot.com", "brand"),
        ("www.hometvshop.example", "unlisted"),
        ("www.example.org", "unlisted"),
        (
            "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.omeglechat.com",
            "brand",
        ),
    ];
    for (name, want) in names {
        let got = match matcher.decide(name) {
            Decision::Allowed(_) => "allowed",
            Decision::Blocked(r) if r.is_brand() => "brand",
            Decision::Blocked(_) => "domain",
            Decision::Unlisted => "unlisted",
        };
        assert_eq!(got, want, "{name}");
    }
    let region = Region::new(GLOBAL);
    for _ in 0..100 {
        for (name, _) in names {
            std::hint::black_box(matcher.decide(std::hint::black_box(name)));
        }
    }
    let change = region.change();
    assert_eq!(
        change.allocations + change.reallocations,
        0,
        "lookups allocated: {change:?}"
    );
}
