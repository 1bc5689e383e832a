//! The arcs of a [`TransportProblem`](super::TransportProblem): stored column by column and
//! grouped by source (CSR), read through the [`TransportArcs`] view.
//!
//! A problem keeps, per arc, its sink (`u32`) and cost (`i64`), and its capacity (`u32`) only
//! when some arc has a capacity other than 1: 12 bytes an arc in the common case, 16 otherwise.
//! The source of an arc is implied by its position: the arcs of source `v` are
//! `first[v]..first[v + 1]`, in canonical `(source, sink)` order.

use std::fmt;
use std::iter::FusedIterator;

use super::transport::{SinkIndex, SourceIndex};

/// A candidate arc: source `source` may fill up to `capacity` slots of sink `sink` at `cost` each.
///
/// A value read from a [`TransportArcs`] view (the problem stores its arcs column by column).
///
/// Serialised as `{"source": 0, "sink": 1, "cost": 25, "capacity": 1}`.
///
/// # Example
/// ```
/// use volunteer_service::matching::TransportBuilder;
/// let mut b = TransportBuilder::new();
/// let v = b.add_source(1);
/// let s = b.add_sink(1, 1_000)?;
/// b.add_arc(v, s, 25)?;
/// let p = b.build()?;
/// let arc = p.arcs().get(0).map(|a| (a.source(), a.sink(), a.cost(), a.capacity()));
/// assert_eq!(arc, Some((v, s, 25, 1)));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TransportArc {
    source: SourceIndex,
    sink: SinkIndex,
    cost: i64,
    capacity: u32,
}

impl TransportArc {
    /// The source (volunteer).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let (a, c) = (b.add_source(1), b.add_source(1));
    /// let x = b.add_sink(1, 1_000)?;
    /// b.add_arc(c, x, 7)?;
    /// b.add_arc(a, x, 9)?;
    /// // Canonical order: source a first.
    /// assert_eq!(b.build()?.arcs().get(0).map(|arc| arc.source()), Some(a));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn source(&self) -> SourceIndex {
        self.source
    }
    /// The sink (shift).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(2);
    /// let (x, y) = (b.add_sink(1, 1_000)?, b.add_sink(1, 1_000)?);
    /// b.add_arc(v, y, 7)?;
    /// b.add_arc(v, x, 9)?;
    /// let sinks: Vec<_> = b.build()?.arcs().iter().map(|a| a.sink()).collect();
    /// assert_eq!(sinks, [x, y]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn sink(&self) -> SinkIndex {
        self.sink
    }
    /// Cost per unit of flow, `>= 0`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// let x = b.add_sink(1, 1_000)?;
    /// b.add_arc(v, x, 120)?;
    /// assert_eq!(b.build()?.arcs().get(0).map(|a| a.cost()), Some(120));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn cost(&self) -> i64 {
        self.cost
    }
    /// Most units the arc may carry (1 unless set with
    /// [`TransportBuilder::add_arc_with_capacity`](super::TransportBuilder::add_arc_with_capacity)).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let team = b.add_source(5);
    /// let (x, y) = (b.add_sink(4, 1_000)?, b.add_sink(1, 1_000)?);
    /// b.add_arc_with_capacity(team, x, 10, 3)?;
    /// b.add_arc(team, y, 10)?;
    /// let caps: Vec<_> = b.build()?.arcs().iter().map(|a| a.capacity()).collect();
    /// assert_eq!(caps, [3, 1]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn capacity(&self) -> u32 {
        self.capacity
    }
}

fn idx(x: u32) -> usize {
    x as usize
}

/// The arcs of a [`TransportProblem`](super::TransportProblem) in canonical `(source, sink)`
/// order: a cheap `Copy` view over the problem's columns, from
/// [`TransportProblem::arcs`](super::TransportProblem::arcs).
///
/// Iterating (with [`iter`](Self::iter), [`of_source`](Self::of_source) or `for`) reads the
/// arcs in order at constant cost per arc; [`get`](Self::get) finds the source of one arc by a
/// binary search over the sources. Two views are equal, and print (`Debug`), as their lists
/// of arcs.
///
/// # Example
/// ```
/// use volunteer_service::matching::TransportBuilder;
/// let mut b = TransportBuilder::new();
/// let (a, c) = (b.add_source(1), b.add_source(2));
/// let (x, y) = (b.add_sink(1, 100)?, b.add_sink(2, 100)?);
/// b.add_arc(c, y, 4)?;
/// b.add_arc(a, x, 1)?;
/// b.add_arc(c, x, 3)?;
/// let p = b.build()?;
/// let arcs = p.arcs();
/// assert_eq!(arcs.len(), 3);
/// let mut total = 0;
/// for arc in arcs {
///     total += arc.cost();
/// }
/// assert_eq!(total, 8);
/// assert_eq!(arcs.of_source(c).map(|arc| arc.sink()).collect::<Vec<_>>(), [x, y]);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct TransportArcs<'a> {
    /// CSR by source: the arcs of source `v` are `first[v]..first[v + 1]` (`sources + 1`
    /// entries, the first 0).
    first: &'a [u32],
    sink: &'a [u32],
    cost: &'a [i64],
    /// Empty when every arc has capacity 1.
    capacity: &'a [u32],
}

impl<'a> TransportArcs<'a> {
    /// Number of arcs.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// let (x, y) = (b.add_sink(1, 100)?, b.add_sink(1, 100)?);
    /// b.add_arc(v, x, 1)?;
    /// b.add_arc(v, y, 2)?;
    /// assert_eq!(b.build()?.arcs().len(), 2);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.sink.len()
    }

    /// Whether there is no arc.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// b.add_source(1);
    /// b.add_sink(1, 100)?;
    /// assert!(b.build()?.arcs().is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.sink.is_empty()
    }

    /// Arc `i` in canonical order, or `None` if `i >= len()`.
    ///
    /// Takes `O(log sources)`: the arc's source is found by a binary search. To read every
    /// arc, or the arcs of one source, use [`iter`](Self::iter) or
    /// [`of_source`](Self::of_source), which take constant time per arc.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let (a, c) = (b.add_source(1), b.add_source(1));
    /// let x = b.add_sink(1, 100)?;
    /// b.add_arc(c, x, 5)?;
    /// b.add_arc(a, x, 9)?;
    /// let p = b.build()?;
    /// assert_eq!(p.arcs().get(1).map(|arc| (arc.source(), arc.cost())), Some((c, 5)));
    /// assert_eq!(p.arcs().get(2), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn get(&self, i: usize) -> Option<TransportArc> {
        if i >= self.len() {
            return None;
        }
        // The last source whose range starts at or before `i` (sources without arcs share
        // their start with the next one, so this one's range holds `i`).
        let v = self
            .first
            .partition_point(|&f| idx(f) <= i)
            .checked_sub(1)?;
        Some(self.arc(v, i))
    }

    /// Every arc, in canonical `(source, sink)` order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let (a, c) = (b.add_source(1), b.add_source(1));
    /// let (x, y) = (b.add_sink(1, 100)?, b.add_sink(1, 100)?);
    /// b.add_arc(c, x, 1)?;
    /// b.add_arc(a, y, 2)?;
    /// b.add_arc(a, x, 3)?;
    /// let p = b.build()?;
    /// let keys: Vec<_> = p.arcs().iter().map(|arc| (arc.source(), arc.sink())).collect();
    /// assert_eq!(keys, [(a, x), (a, y), (c, x)]);
    /// assert_eq!(p.arcs().iter().next_back().map(|arc| arc.cost()), Some(1));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[inline]
    pub fn iter(&self) -> TransportArcsIter<'a> {
        self.range(0, self.first.len().saturating_sub(1))
    }

    /// The arcs of `source`, by sink (none if there is no such source).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{SourceIndex, TransportBuilder};
    /// let mut b = TransportBuilder::new();
    /// let (a, c) = (b.add_source(1), b.add_source(2));
    /// let (x, y) = (b.add_sink(1, 100)?, b.add_sink(1, 100)?);
    /// b.add_arc(c, y, 4)?;
    /// b.add_arc(a, x, 1)?;
    /// b.add_arc(c, x, 3)?;
    /// let p = b.build()?;
    /// let costs: Vec<_> = p.arcs().of_source(c).map(|arc| arc.cost()).collect();
    /// assert_eq!(costs, [3, 4]);
    /// assert_eq!(p.arcs().of_source(SourceIndex::new(9)).len(), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[inline]
    pub fn of_source(&self, source: SourceIndex) -> TransportArcsIter<'a> {
        let v = idx(source.get());
        if v + 1 < self.first.len() {
            self.range(v, v + 1)
        } else {
            self.range(0, 0)
        }
    }

    /// The arcs of sources `lo..hi` (`hi < first.len()`).
    #[inline]
    fn range(&self, lo: usize, hi: usize) -> TransportArcsIter<'a> {
        let first = self.first;
        let (start, end) = if lo < hi {
            (idx(first[lo]), idx(first[hi]))
        } else {
            (0, 0)
        };
        let capacity = if self.capacity.is_empty() {
            &[]
        } else {
            &self.capacity[start..end]
        };
        TransportArcsIter {
            first,
            sink: self.sink[start..end].iter(),
            cost: self.cost[start..end].iter(),
            capacity: capacity.iter(),
            front: start,
            front_source: lo,
            front_end: if lo < hi { idx(first[lo + 1]) } else { 0 },
            back: end,
            back_source: hi.saturating_sub(1),
            back_start: if lo < hi { idx(first[hi - 1]) } else { 0 },
        }
    }

    /// The sink of every arc, in canonical order.
    #[inline]
    pub(crate) fn sinks(&self) -> &'a [u32] {
        self.sink
    }

    /// The cost of every arc, in canonical order.
    #[inline]
    pub(crate) fn costs(&self) -> &'a [i64] {
        self.cost
    }

    /// CSR by source: the arcs of source `v` are `first[v]..first[v + 1]`.
    #[inline]
    pub(crate) fn first(&self) -> &'a [u32] {
        self.first
    }

    /// The capacity of arc `i` (1 when every arc has capacity 1).
    #[inline]
    pub(crate) fn capacity_at(&self, i: usize) -> u32 {
        if self.capacity.is_empty() {
            1
        } else {
            self.capacity[i]
        }
    }

    /// Whether every arc has capacity 1.
    #[inline]
    pub(crate) fn unit(&self) -> bool {
        self.capacity.is_empty()
    }

    /// Arc `i`, whose source is `v`.
    #[inline]
    fn arc(&self, v: usize, i: usize) -> TransportArc {
        TransportArc {
            source: SourceIndex::new(u32::try_from(v).unwrap_or(u32::MAX)),
            sink: SinkIndex::new(self.sink[i]),
            cost: self.cost[i],
            capacity: self.capacity_at(i),
        }
    }
}

impl fmt::Debug for TransportArcs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for TransportArcs<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for TransportArcs<'_> {}

impl<'a> IntoIterator for TransportArcs<'a> {
    type Item = TransportArc;
    type IntoIter = TransportArcsIter<'a>;

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &TransportArcs<'a> {
    type Item = TransportArc;
    type IntoIter = TransportArcsIter<'a>;

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Iterator over [`TransportArc`]s in canonical order, from [`TransportArcs::iter`] or
/// [`TransportArcs::of_source`]: walks the sources' ranges, constant time per arc, from
/// either end.
///
/// # Example
/// ```
/// use volunteer_service::matching::TransportBuilder;
/// let mut b = TransportBuilder::new();
/// let (a, c) = (b.add_source(1), b.add_source(1));
/// let x = b.add_sink(2, 100)?;
/// b.add_arc(c, x, 2)?;
/// b.add_arc(a, x, 1)?;
/// let p = b.build()?;
/// let mut arcs = p.arcs().iter();
/// assert_eq!(arcs.len(), 2);
/// assert_eq!(arcs.next_back().map(|arc| arc.source()), Some(c));
/// assert_eq!(arcs.next().map(|arc| arc.source()), Some(a));
/// assert_eq!(arcs.next(), None);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TransportArcsIter<'a> {
    /// The view's CSR by source.
    first: &'a [u32],
    /// The columns of the arcs not yet read (`capacity` empty with unit capacities).
    sink: std::slice::Iter<'a, u32>,
    cost: std::slice::Iter<'a, i64>,
    capacity: std::slice::Iter<'a, u32>,
    /// Position of the next arc from the front, its source and that source's end.
    front: usize,
    front_source: usize,
    front_end: usize,
    /// One past the position of the next arc from the back, its source and that source's
    /// start.
    back: usize,
    back_source: usize,
    back_start: usize,
}

impl TransportArcsIter<'_> {
    #[inline]
    fn arc(source: usize, sink: u32, cost: i64, capacity: u32) -> TransportArc {
        TransportArc {
            source: SourceIndex::new(u32::try_from(source).unwrap_or(u32::MAX)),
            sink: SinkIndex::new(sink),
            cost,
            capacity,
        }
    }
}

impl Iterator for TransportArcsIter<'_> {
    type Item = TransportArc;

    #[inline]
    fn next(&mut self) -> Option<TransportArc> {
        let sink = *self.sink.next()?;
        let cost = self.cost.next().copied().unwrap_or(0);
        let capacity = self.capacity.next().copied().unwrap_or(1);
        // The arc is below the last source's end, so this stops at the source holding it.
        while self.front >= self.front_end {
            self.front_source += 1;
            self.front_end = self
                .first
                .get(self.front_source + 1)
                .map_or(usize::MAX, |&f| idx(f));
        }
        self.front += 1;
        Some(Self::arc(self.front_source, sink, cost, capacity))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.sink.size_hint()
    }
}

impl DoubleEndedIterator for TransportArcsIter<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<TransportArc> {
        let sink = *self.sink.next_back()?;
        let cost = self.cost.next_back().copied().unwrap_or(0);
        let capacity = self.capacity.next_back().copied().unwrap_or(1);
        self.back -= 1;
        // `first[0] == 0`, so this stops at the source holding the arc.
        while self.back < self.back_start {
            self.back_source -= 1;
            self.back_start = self.first.get(self.back_source).map_or(0, |&f| idx(f));
        }
        Some(Self::arc(self.back_source, sink, cost, capacity))
    }
}

impl ExactSizeIterator for TransportArcsIter<'_> {}

impl FusedIterator for TransportArcsIter<'_> {}

/// The arcs a [`TransportBuilder`](super::TransportBuilder) collects, as parallel columns in
/// the order added; [`into_table`](Self::into_table) sorts them into an [`ArcTable`].
#[derive(Debug, Clone, Default)]
pub(super) struct ArcColumns {
    source: Vec<u32>,
    sink: Vec<u32>,
    cost: Vec<i64>,
    /// Empty while every arc added has capacity 1.
    capacity: Vec<u32>,
}

impl ArcColumns {
    pub(super) fn len(&self) -> usize {
        self.sink.len()
    }

    pub(super) fn reserve(&mut self, additional: usize) {
        self.source.reserve_exact(additional);
        self.sink.reserve_exact(additional);
        self.cost.reserve_exact(additional);
        if !self.capacity.is_empty() {
            self.capacity.reserve_exact(additional);
        }
    }

    #[inline]
    pub(super) fn push(&mut self, source: u32, sink: u32, cost: i64, capacity: u32) {
        // `capacity` is empty or holds one entry per arc: the first arc of another capacity
        // than 1 fills in the 1s before it.
        if capacity != 1 || !self.capacity.is_empty() {
            if self.capacity.is_empty() {
                self.capacity.reserve_exact(self.source.capacity());
                self.capacity.resize(self.len(), 1);
            }
            self.capacity.push(capacity);
        }
        self.source.push(source);
        self.sink.push(sink);
        self.cost.push(cost);
    }

    /// The largest cost (0 when there is no arc).
    pub(super) fn max_cost(&self) -> i64 {
        self.cost.iter().copied().max().unwrap_or(0)
    }

    /// The arcs in canonical `(source, sink)` order, grouped by source; every source is below
    /// `sources` and there are fewer than `2^32` arcs (the builder checks both).
    ///
    /// Arcs added in order are kept where they are. Otherwise a permutation is sorted
    /// (counted by source, then each source's arcs sorted by sink) and applied in place, so
    /// the columns are never copied: at most 20 bytes an arc (16 with unit capacities) are
    /// live at once.
    ///
    /// # Errors
    /// The smallest `(source, sink)` pair joined by two arcs.
    pub(super) fn into_table(self, sources: usize) -> Result<ArcTable, (u32, u32)> {
        let Self {
            source,
            mut sink,
            mut cost,
            mut capacity,
        } = self;
        let mut first = vec![0_u32; sources + 1];
        for &v in &source {
            first[idx(v) + 1] += 1;
        }
        for v in 0..sources {
            first[v + 1] += first[v];
        }
        if !source.iter().zip(&sink).is_sorted() {
            // Counting sort by source (stable), then each source's arcs by sink.
            let mut perm = vec![0_u32; sink.len()];
            let mut next = first[..sources].to_vec();
            for (i, &v) in (0_u32..).zip(&source) {
                let at = &mut next[idx(v)];
                perm[idx(*at)] = i;
                *at += 1;
            }
            drop(next);
            drop(source);
            for v in 0..sources {
                perm[idx(first[v])..idx(first[v + 1])].sort_unstable_by_key(|&i| sink[idx(i)]);
            }
            gather_in_place(&mut perm, &mut sink, &mut cost, &mut capacity);
        }
        for v in 0..sources {
            let mine = &sink[idx(first[v])..idx(first[v + 1])];
            if let Some(w) = mine.windows(2).find(|w| w[0] == w[1]) {
                return Err((u32::try_from(v).unwrap_or(u32::MAX), w[0]));
            }
        }
        sink.shrink_to_fit();
        cost.shrink_to_fit();
        capacity.shrink_to_fit();
        Ok(ArcTable {
            first,
            sink,
            cost,
            capacity,
        })
    }
}

/// Rearranges the columns so that position `k` holds what was at `perm[k]`, following the
/// permutation's cycles (each element moves once); `perm` is left as the identity.
/// `capacity` may be empty (unit capacities).
fn gather_in_place(perm: &mut [u32], sink: &mut [u32], cost: &mut [i64], capacity: &mut [u32]) {
    let caps = !capacity.is_empty();
    for start in 0..perm.len() {
        if idx(perm[start]) == start {
            continue;
        }
        let held = (
            sink[start],
            cost[start],
            capacity.get(start).copied().unwrap_or(1),
        );
        let mut j = start;
        loop {
            let from = idx(perm[j]);
            // Marks position `j` done (`j < perm.len() < 2^32`).
            perm[j] = u32::try_from(j).unwrap_or(u32::MAX);
            if from == start {
                sink[j] = held.0;
                cost[j] = held.1;
                if caps {
                    capacity[j] = held.2;
                }
                break;
            }
            sink[j] = sink[from];
            cost[j] = cost[from];
            if caps {
                capacity[j] = capacity[from];
            }
            j = from;
        }
    }
}

/// The arcs of a problem, by column: CSR by source, then each arc's sink, cost and (unless
/// every arc has capacity 1) capacity.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct ArcTable {
    first: Vec<u32>,
    sink: Vec<u32>,
    cost: Vec<i64>,
    /// Empty when every arc has capacity 1.
    capacity: Vec<u32>,
}

impl ArcTable {
    pub(super) fn view(&self) -> TransportArcs<'_> {
        TransportArcs {
            first: &self.first,
            sink: &self.sink,
            cost: &self.cost,
            capacity: &self.capacity,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.sink.len()
    }

    /// The canonical position of the arc joining `source` and `sink`, if there is one.
    pub(super) fn position(&self, source: u32, sink: u32) -> Option<usize> {
        let v = idx(source);
        let (&lo, &hi) = (self.first.get(v)?, self.first.get(v + 1)?);
        let (lo, hi) = (idx(lo), idx(hi));
        self.sink[lo..hi].binary_search(&sink).ok().map(|k| lo + k)
    }

    /// The source of every arc, in canonical order (for layouts that look arcs up by index).
    pub(super) fn sources(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.len());
        for (v, w) in (0_u32..).zip(self.first.windows(2)) {
            out.resize(idx(w[1]), v);
        }
        out
    }
}

impl fmt::Debug for ArcTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.view().fmt(f)
    }
}
