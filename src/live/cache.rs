//! One cache of workspace facts per server (or CLI run), shared by every document: answers are
//! kept per workspace or region for a while (computes about a minute, usages a few minutes,
//! VM sizes and the workspace's region a day), concurrent lookups of one key share one fetch,
//! failures are kept briefly so a refused call is not repeated on every keystroke, and name
//! checks (one per distinct name typed) are rate-limited per workspace.
//!
//! The bound: per workspace and region, at most `1 + 1 + ⌈T/computes⌉ + ⌈T/usages⌉` fetches
//! plus `name_checks_per_minute` name checks per minute over a period T, whatever the number
//! of documents and edits. With the defaults, typing for 10 minutes in any number of specs of
//! one workspace costs at most 1 + 1 + 10 + 4 + 60 = 76 calls (`a_burst_of_edits_…` and
//! `ten_minutes_of_typing_…` below hold it).

use crate::arm::live::{NameAvailability, RegionVmSize};
use crate::arm::{ArmError, Compute, Usage};
use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// Time as the cache sees it; tests inject their own.
pub trait Clock: Send + Sync {
    /// Time since some fixed start.
    fn now(&self) -> Duration;
}

/// The real clock.
#[derive(Debug)]
pub struct SystemClock(Instant);

impl SystemClock {
    pub fn new() -> Self {
        SystemClock(Instant::now())
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// How long answers are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ttls {
    pub computes: Duration,
    pub usages: Duration,
    pub vm_sizes: Duration,
    pub workspace_region: Duration,
    /// A name's availability, like the computes it depends on.
    pub name_check: Duration,
    /// A failed fetch, so that a 403 or an unreachable endpoint is not asked again at once.
    pub failure: Duration,
    /// Name checks per workspace per minute; past it a name is not checked (the workspace's
    /// own list still is) until the minute has passed.
    pub name_checks_per_minute: usize,
}

impl Default for Ttls {
    fn default() -> Self {
        Ttls {
            computes: Duration::from_secs(60),
            usages: Duration::from_secs(180),
            vm_sizes: Duration::from_secs(24 * 3600),
            workspace_region: Duration::from_secs(24 * 3600),
            name_check: Duration::from_secs(60),
            failure: Duration::from_secs(30),
            name_checks_per_minute: 6,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Region(String),
    Computes(String),
    VmSizes(String, String),
    Usages(String, String),
    Name(String, String, String),
}

type Shared = Arc<dyn Any + Send + Sync>;

/// One fetch and its answer; a newer slot replaces it when it expires.
struct Slot {
    answer: OnceCell<(Duration, Result<Shared, ArmError>)>,
}

/// Entries past this many are swept of expired ones (name checks add one per name).
const SWEEP_AT: usize = 512;

pub struct LiveCache {
    clock: Arc<dyn Clock>,
    ttls: Ttls,
    slots: Mutex<HashMap<Key, (Duration, Arc<Slot>)>>,
    /// Per workspace, when its recent name checks were made.
    name_checks: Mutex<HashMap<String, VecDeque<Duration>>>,
}

impl std::fmt::Debug for LiveCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCache").field("ttls", &self.ttls).finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl LiveCache {
    pub fn new(clock: Arc<dyn Clock>, ttls: Ttls) -> Self {
        LiveCache { clock, ttls, slots: Mutex::new(HashMap::new()), name_checks: Mutex::new(HashMap::new()) }
    }

    pub fn ttls(&self) -> Ttls {
        self.ttls
    }

    /// Whether an answer made at `done` is still good at `now`.
    fn fresh(&self, done: Duration, ok: bool, ttl: Duration, now: Duration) -> bool {
        now < done + if ok { ttl } else { self.ttls.failure.min(ttl) }
    }

    /// The slot to use for `key`: the current one while it is in flight or fresh, else a new one.
    fn slot(&self, key: Key, ttl: Duration) -> Arc<Slot> {
        let now = self.clock.now();
        let mut slots = lock(&self.slots);
        if let Some((_, slot)) = slots.get(&key) {
            let keep = match slot.answer.get() {
                None => true,
                Some((done, answer)) => self.fresh(*done, answer.is_ok(), ttl, now),
            };
            if keep {
                return slot.clone();
            }
        }
        if slots.len() >= SWEEP_AT {
            let failure = self.ttls.failure;
            slots.retain(|_, (ttl, slot)| match slot.answer.get() {
                None => true,
                Some((done, answer)) => now < *done + if answer.is_ok() { *ttl } else { failure.min(*ttl) },
            });
        }
        let slot = Arc::new(Slot { answer: OnceCell::new() });
        slots.insert(key, (ttl, slot.clone()));
        slot
    }

    async fn get<T, F, Fut>(&self, key: Key, ttl: Duration, fetch: F) -> Result<Arc<T>, ArmError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ArmError>>,
    {
        let slot = self.slot(key, ttl);
        let (_, answer) = slot
            .answer
            .get_or_init(|| async {
                let answer = fetch().await.map(|v| Arc::new(v) as Shared);
                (self.clock.now(), answer)
            })
            .await;
        match answer {
            Ok(shared) => shared.clone().downcast::<T>().map_err(|_| ArmError::Server {
                status: 0,
                message: "the live-check cache held an answer of another type (a defect in aml-compute-ls)".into(),
            }),
            Err(e) => Err(e.clone()),
        }
    }

    /// The workspace's region. `workspace` is a key naming the endpoint and workspace.
    pub async fn workspace_region<F, Fut>(&self, workspace: &str, fetch: F) -> Result<Arc<String>, ArmError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String, ArmError>>,
    {
        self.get(Key::Region(workspace.to_ascii_lowercase()), self.ttls.workspace_region, fetch).await
    }

    pub async fn computes<F, Fut>(&self, workspace: &str, fetch: F) -> Result<Arc<Vec<Compute>>, ArmError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<Compute>, ArmError>>,
    {
        self.get(Key::Computes(workspace.to_ascii_lowercase()), self.ttls.computes, fetch).await
    }

    /// `scope` names the endpoint and subscription.
    pub async fn vm_sizes<F, Fut>(
        &self,
        scope: &str,
        region: &str,
        fetch: F,
    ) -> Result<Arc<Vec<RegionVmSize>>, ArmError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<RegionVmSize>, ArmError>>,
    {
        let key = Key::VmSizes(scope.to_ascii_lowercase(), region.to_ascii_lowercase());
        self.get(key, self.ttls.vm_sizes, fetch).await
    }

    pub async fn usages<F, Fut>(&self, scope: &str, region: &str, fetch: F) -> Result<Arc<Vec<Usage>>, ArmError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<Usage>, ArmError>>,
    {
        let key = Key::Usages(scope.to_ascii_lowercase(), region.to_ascii_lowercase());
        self.get(key, self.ttls.usages, fetch).await
    }

    /// The availability of a name, or `None` when the workspace's name checks for this minute
    /// are spent (the caller falls back to the workspace's own list).
    pub async fn name_availability<F, Fut>(
        &self,
        workspace: &str,
        name: &str,
        compute_type: &str,
        fetch: F,
    ) -> Result<Option<Arc<NameAvailability>>, ArmError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<NameAvailability, ArmError>>,
    {
        let workspace = workspace.to_ascii_lowercase();
        let key = Key::Name(workspace.clone(), name.to_ascii_lowercase(), compute_type.to_ascii_lowercase());
        let now = self.clock.now();
        let cached = lock(&self.slots).get(&key).is_some_and(|(ttl, slot)| match slot.answer.get() {
            None => true,
            Some((done, answer)) => self.fresh(*done, answer.is_ok(), *ttl, now),
        });
        if !cached && !self.take_name_check(&workspace, now) {
            return Ok(None);
        }
        self.get(key, self.ttls.name_check, fetch).await.map(Some)
    }

    fn take_name_check(&self, workspace: &str, now: Duration) -> bool {
        let mut checks = lock(&self.name_checks);
        let recent = checks.entry(workspace.to_string()).or_default();
        while recent.front().is_some_and(|t| *t + Duration::from_secs(60) <= now) {
            recent.pop_front();
        }
        if recent.len() >= self.ttls.name_checks_per_minute {
            return false;
        }
        recent.push_back(now);
        true
    }

    /// Forgets what a create, update or delete in the workspace changed: its computes, and
    /// usages and name checks everywhere.
    pub fn invalidate_workspace(&self, workspace: &str) {
        let workspace = workspace.to_ascii_lowercase();
        lock(&self.slots).retain(|key, _| match key {
            Key::Computes(w) => *w != workspace,
            Key::Usages(..) | Key::Name(..) => false,
            Key::Region(_) | Key::VmSizes(..) => true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    /// A clock the test moves by hand.
    #[derive(Default)]
    struct ManualClock(AtomicU64);

    impl ManualClock {
        fn advance(&self, by: Duration) {
            self.0.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
        }
    }

    impl Clock for ManualClock {
        fn now(&self) -> Duration {
            Duration::from_millis(self.0.load(Ordering::SeqCst))
        }
    }

    #[derive(Default)]
    struct Counts {
        region: AtomicUsize,
        computes: AtomicUsize,
        sizes: AtomicUsize,
        usages: AtomicUsize,
        names: AtomicUsize,
    }

    impl Counts {
        fn total(&self) -> usize {
            [&self.region, &self.computes, &self.sizes, &self.usages, &self.names]
                .iter()
                .map(|c| c.load(Ordering::SeqCst))
                .sum()
        }
    }

    /// What a host does for one document: every fact the live checks need.
    async fn lookup(cache: &LiveCache, counts: &Counts, document: usize, typed: usize) {
        let ws = "http://127.0.0.1/subscriptions/s/resourcegroups/rg/workspaces/ws";
        let bump = |c: &AtomicUsize| {
            c.fetch_add(1, Ordering::SeqCst);
        };
        cache
            .workspace_region(ws, || async {
                bump(&counts.region);
                Ok("eastus".to_string())
            })
            .await
            .unwrap();
        cache
            .computes(ws, || async {
                bump(&counts.computes);
                Ok(Vec::new())
            })
            .await
            .unwrap();
        cache
            .vm_sizes("sub", "eastus", || async {
                bump(&counts.sizes);
                Ok(Vec::new())
            })
            .await
            .unwrap();
        cache
            .usages("sub", "eastus", || async {
                bump(&counts.usages);
                Ok(Vec::new())
            })
            .await
            .unwrap();
        // Each document's name changes as it is typed: a new name every tenth edit.
        let name = format!("doc{document}-v{}", typed / 10);
        cache
            .name_availability(ws, &name, "AmlCompute", || async {
                bump(&counts.names);
                Ok(NameAvailability { available: true, reason: None, message: None })
            })
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_burst_of_edits_across_twenty_documents_makes_a_bounded_number_of_fetches() {
        let clock = Arc::new(ManualClock::default());
        let cache = LiveCache::new(clock.clone(), Ttls::default());
        let counts = Counts::default();
        // 1,000 lookups over one minute, spread over 20 documents.
        for i in 0..1000 {
            lookup(&cache, &counts, i % 20, i).await;
            clock.advance(Duration::from_millis(59));
        }
        assert_eq!(counts.region.load(Ordering::SeqCst), 1);
        assert_eq!(counts.computes.load(Ordering::SeqCst), 1, "computes live a minute");
        assert_eq!(counts.sizes.load(Ordering::SeqCst), 1);
        assert_eq!(counts.usages.load(Ordering::SeqCst), 1);
        assert_eq!(counts.names.load(Ordering::SeqCst), Ttls::default().name_checks_per_minute);
        assert!(counts.total() <= 10, "{} fetches for 1,000 lookups", counts.total());
    }

    #[tokio::test]
    async fn ten_minutes_of_typing_stays_within_the_documented_bound() {
        let clock = Arc::new(ManualClock::default());
        let cache = LiveCache::new(clock.clone(), Ttls::default());
        let counts = Counts::default();
        // An edit every 100 ms for 10 minutes, over 50 open documents.
        for i in 0..6000 {
            lookup(&cache, &counts, i % 50, i).await;
            clock.advance(Duration::from_millis(100));
        }
        assert_eq!(counts.computes.load(Ordering::SeqCst), 10);
        assert_eq!(counts.usages.load(Ordering::SeqCst), 4);
        assert_eq!((counts.sizes.load(Ordering::SeqCst), counts.region.load(Ordering::SeqCst)), (1, 1));
        assert!(counts.names.load(Ordering::SeqCst) <= 60);
        assert!(counts.total() <= 76, "{}", counts.total());
    }

    #[tokio::test]
    async fn concurrent_lookups_share_one_fetch_and_a_failure_is_kept_briefly() {
        let clock = Arc::new(ManualClock::default());
        let cache = Arc::new(LiveCache::new(clock.clone(), Ttls::default()));
        let fetches = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (cache, fetches) = (cache.clone(), fetches.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .computes("ws", || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Err::<Vec<Compute>, _>(ArmError::Auth("HTTP 403".into()))
                    })
                    .await
            }));
        }
        for task in tasks {
            assert!(matches!(task.await.unwrap(), Err(ArmError::Auth(_))));
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        // Still refused from the cache within the failure time, asked again after it.
        let again = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            Ok(Vec::new())
        };
        clock.advance(Duration::from_secs(29));
        assert!(cache.computes("ws", again).await.is_err());
        clock.advance(Duration::from_secs(2));
        assert!(cache.computes("ws", again).await.is_ok());
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_change_in_the_workspace_forgets_its_computes_and_usages_but_not_sizes() {
        let cache = LiveCache::new(Arc::new(ManualClock::default()), Ttls::default());
        let counts = Counts::default();
        lookup(&cache, &counts, 0, 0).await;
        cache.invalidate_workspace("http://127.0.0.1/subscriptions/s/resourcegroups/rg/workspaces/ws");
        lookup(&cache, &counts, 0, 0).await;
        assert_eq!(counts.computes.load(Ordering::SeqCst), 2);
        assert_eq!(counts.usages.load(Ordering::SeqCst), 2);
        assert_eq!(counts.names.load(Ordering::SeqCst), 2);
        assert_eq!((counts.sizes.load(Ordering::SeqCst), counts.region.load(Ordering::SeqCst)), (1, 1));
    }
}
