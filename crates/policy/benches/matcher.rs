//! Benchmarks of the matcher on a synthetic 1,000,000-domain hosts file: building it from the
//! file's text, the heap it holds, and lookups of 4-label names that hit and miss; then the same
//! lookups with the shipped brand rules on, and a name that only a brand blocks.
//!
//! Heap is measured with a counting global allocator: live bytes after the matcher is built and
//! everything else (the text, the import) is dropped, minus live bytes before. It is printed,
//! since criterion measures time only. Run: `cargo bench -p vigie-policy --bench matcher`.

use std::alloc::System;
use std::hint::black_box;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

use criterion::{Criterion, criterion_group, criterion_main};
use vigie_policy::import::{Format, import};
use vigie_policy::{Action, ListMeta, Matcher, MatcherBuilder, shipped_lists};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const N: usize = 1_000_000;

/// A deterministic pseudo-random hosts file: 1 to 3 labels of 4 to 12 letters under common
/// endings, about 20 bytes a name, like real ad and tracker lists.
fn hosts_file() -> (String, Vec<String>) {
    let tlds = ["com", "net", "org", "io", "co.uk", "de", "ru", "info"];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut text = String::with_capacity(N * 32);
    let mut names = Vec::with_capacity(N);
    text.push_str("# synthetic benchmark list\n127.0.0.1 localhost\n");
    for i in 0..N {
        let labels = 1 + (next() % 3) as usize;
        let mut name = String::new();
        for l in 0..labels {
            let len = 4 + (next() % 9) as usize;
            for _ in 0..len {
                name.push((b'a' + (next() % 26) as u8) as char);
            }
            if l == 0 {
                name.push_str(&(i % 1000).to_string());
            }
            name.push('.');
        }
        name.push_str(tlds[(next() % tlds.len() as u64) as usize]);
        text.push_str("0.0.0.0 ");
        text.push_str(&name);
        text.push('\n');
        names.push(name);
    }
    (text, names)
}

fn build(text: &str) -> Matcher {
    build_with(text, false)
}

/// The big list, and with `brands` the brand rules of the shipped lists on it too.
fn build_with(text: &str, brands: bool) -> Matcher {
    let imported = import(text, Format::Hosts);
    let mut b = MatcherBuilder::new();
    b.reserve(imported.taken(), imported.taken() * 24);
    let list = b.list(ListMeta {
        id: "big".into(),
        name: "Big".into(),
        action: Action::Block,
    });
    let site = b.site(list, "Big list");
    for d in &imported.domains {
        b.domain(site, d);
    }
    if brands {
        for file in shipped_lists().unwrap() {
            for brand in &file.brands {
                b.brand(list, brand);
            }
        }
    }
    b.build()
}

fn benches(c: &mut Criterion) {
    let (text, names) = hosts_file();

    let region = Region::new(GLOBAL);
    let matcher = build(&text);
    let change = region.change();
    // stats_alloc already folds reallocations into bytes allocated and deallocated.
    let held = change.bytes_allocated as isize - change.bytes_deallocated as isize;
    println!(
        "matcher: {} domains, heap held {:.1} MB (counting allocator; matcher's own estimate {:.1} MB)",
        matcher.len(),
        held as f64 / 1e6,
        matcher.heap_bytes() as f64 / 1e6
    );

    // A 4-label name under a listed one (hit), and a 4-label name under nothing (miss).
    let base = names.iter().find(|n| n.matches('.').count() == 1).unwrap();
    let hit = format!("www.cdn.{base}");
    let miss = "www.cdn.not-listed-anywhere.com";
    assert!(matcher.decide(&hit).is_blocked());
    assert!(!matcher.decide(miss).is_blocked());
    let branded = build_with(&text, true);
    let brand_hit = "www.cdn.my-omeglechat.com";
    assert!(branded.brand_count() > 0);
    assert!(branded.decide(brand_hit).is_blocked());
    assert!(!matcher.decide(brand_hit).is_blocked());
    assert!(!branded.decide(miss).is_blocked());
    let region = Region::new(GLOBAL);
    for _ in 0..1000 {
        black_box(matcher.decide(black_box(&hit)));
        black_box(matcher.decide(black_box(miss)));
        black_box(branded.decide(black_box(&hit)));
        black_box(branded.decide(black_box(miss)));
        black_box(branded.decide(black_box(brand_hit)));
    }
    let change = region.change();
    let allocations = change.allocations + change.reallocations;
    println!("allocations during 5000 lookups (brands off and on): {allocations}");
    assert_eq!(allocations, 0, "a lookup allocated");

    let mut g = c.benchmark_group("matcher");
    g.bench_function("lookup_hit_4_labels", |b| {
        b.iter(|| matcher.decide(black_box(&hit)).is_blocked())
    });
    g.bench_function("lookup_miss_4_labels", |b| {
        b.iter(|| matcher.decide(black_box(miss)).is_blocked())
    });
    g.bench_function("brands_on_lookup_hit_4_labels", |b| {
        b.iter(|| branded.decide(black_box(&hit)).is_blocked())
    });
    g.bench_function("brands_on_lookup_miss_4_labels", |b| {
        b.iter(|| branded.decide(black_box(miss)).is_blocked())
    });
    g.bench_function("brands_on_lookup_brand_hit_4_labels", |b| {
        b.iter(|| branded.decide(black_box(brand_hit)).is_blocked())
    });
    drop(branded);
    g.sample_size(10);
    g.bench_function("build_from_1m_line_hosts_file", |b| {
        b.iter(|| build(black_box(&text)))
    });
    g.finish();
}

criterion_group!(matcher, benches);
criterion_main!(matcher);
