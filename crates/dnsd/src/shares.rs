//! Places shared out by who asks: at most so many held by one client (an account, a device) and
//! so many in all, each given back when its holder drops it.
//!
//! Used wherever a local user could otherwise take every place for themselves (API connections,
//! TCP DNS connections): a global bound alone lets one account's flood lock out the others,
//! the parent's among them.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

/// The places, and who holds how many.
#[derive(Debug)]
pub(crate) struct Shares<K: Hash + Eq> {
    counts: Arc<Mutex<Counts<K>>>,
    per_client: usize,
    total: usize,
}

#[derive(Debug)]
struct Counts<K> {
    by_client: HashMap<K, usize>,
    held: usize,
}

/// One place held by `client`, given back on drop.
#[derive(Debug)]
pub(crate) struct Share<K: Hash + Eq> {
    counts: Arc<Mutex<Counts<K>>>,
    client: K,
}

impl<K: Hash + Eq + Clone> Shares<K> {
    pub(crate) fn new(per_client: usize, total: usize) -> Shares<K> {
        Shares {
            counts: Arc::new(Mutex::new(Counts {
                by_client: HashMap::new(),
                held: 0,
            })),
            per_client,
            total,
        }
    }

    /// A place for `client`, or `None` when it holds its share already or every place is taken.
    pub(crate) fn take(&self, client: K) -> Option<Share<K>> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let mine = counts.by_client.get(&client).copied().unwrap_or(0);
        if mine >= self.per_client || counts.held >= self.total {
            return None;
        }
        counts.held += 1;
        *counts.by_client.entry(client.clone()).or_default() += 1;
        Some(Share {
            counts: Arc::clone(&self.counts),
            client,
        })
    }

    /// Places held now, by everyone.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .held
    }
}

impl<K: Hash + Eq> Drop for Share<K> {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.held -= 1;
        if let Some(n) = counts.by_client.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                counts.by_client.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_has_its_own_share_and_places_come_back() {
        let shares = Shares::new(3, 5);
        let child: Vec<_> = (0..3).map(|_| shares.take(1000).unwrap()).collect();
        assert!(shares.take(1000).is_none(), "the child's share is full");
        let parent: Vec<_> = (0..2).map(|_| shares.take(1001).unwrap()).collect();
        assert!(shares.take(1002).is_none(), "every place is taken");
        drop(child);
        assert!(shares.take(1000).is_some(), "given back places come back");
        drop(parent);
        assert_eq!(shares.held(), 0);
    }
}
