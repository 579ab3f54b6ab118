//! Consistent listing over offset pages: in id order, with every page
//! reaching back to the last record delivered, so that records deleted
//! meanwhile can never make the next one slip past unseen.

use super::list::{fetch_page, max_page_size, ListRequest, ListingSummary};
use super::{ORDER_DESC_PARAM, ORDER_PARAM};
use crate::runtime::{decode, Error, Page, RecordId, Resource, Result};

/// Requests in a row that deliver nothing before the listing is abandoned
/// (a table churning faster than it can be read).
const MAX_FRUITLESS: u32 = 1000;

/// The state of a consistent listing.
pub(super) struct Consistent<T> {
    request: ListRequest<T>,
    /// The highest id delivered so far.
    last_id: Option<i32>,
    /// Where `last_id` stood in the listing when it was last seen.
    position: u64,
    /// The position a page must reach back to, after a page that did not.
    reach_back: Option<u64>,
    promised: Option<u64>,
    received: u64,
    requests: u64,
    fruitless: u32,
    done: bool,
}

impl<T: Resource> Consistent<T> {
    pub(super) fn new(mut request: ListRequest<T>) -> Self {
        request.query.set(ORDER_PARAM, "id");
        request.query.set(ORDER_DESC_PARAM, false);
        Consistent {
            request,
            last_id: None,
            position: 0,
            reach_back: None,
            promised: None,
            received: 0,
            requests: 0,
            fruitless: 0,
            done: false,
        }
    }

    pub(super) fn summary(&self) -> ListingSummary {
        ListingSummary {
            promised: self.promised,
            received: self.received,
            duplicates: 0,
            requests: self.requests,
            ids: Vec::new(),
        }
    }

    pub(super) async fn next(&mut self) -> Result<Option<Page<T>>> {
        while !self.done {
            let largest = self.request.page_size.min(max_page_size()).max(1);
            let (page_no, size) = match (self.last_id, self.reach_back) {
                (None, _) => (1, largest),
                // A full page ending at `back`, to reach as far back as can be.
                (Some(_), Some(back)) => {
                    let page_no = back / u64::from(largest) + 1;
                    (u32::try_from(page_no).unwrap_or(u32::MAX), largest)
                }
                (Some(_), None) => window(self.position, largest),
            };
            self.requests += 1;
            let body = fetch_page::<T>(
                &self.request.client,
                self.request.path,
                &self.request.query,
                page_no,
                size,
                self.request.retry.as_ref(),
            )
            .await?;
            let mut page: Page<T> =
                decode::list(&body, self.request.shape, crate::API.pagination.count_field)?;
            if self.promised.is_none() {
                self.promised = page.record_count;
            }
            let Some(ids) = page
                .items
                .iter()
                .map(|item| item.id().as_int())
                .collect::<Option<Vec<i32>>>()
            else {
                return Err(Error::Paging {
                    page_no,
                    message: "a consistent listing orders by integer id, and this collection is keyed by text".into(),
                });
            };
            if ids.windows(2).any(|pair| pair[0] >= pair[1]) {
                return Err(Error::Paging {
                    page_no,
                    message: format!(
                        "the server does not sort by id (`{ORDER_PARAM}=id`), which a \
                         consistent listing needs"
                    ),
                });
            }
            let start = u64::from(page_no - 1) * u64::from(size);
            let short = ids.len() < size as usize;
            let step = decide(self.last_id, start, &ids, short);
            match step {
                Step::Deliver { from } => {
                    let new = page.items.split_off(from);
                    self.last_id = new.last().and_then(|item| item.id().as_int());
                    self.position = start + ids.len() as u64 - 1;
                    self.reach_back = None;
                    self.received += new.len() as u64;
                    self.fruitless = 0;
                    self.done = short;
                    page.items = new;
                    return Ok(Some(page));
                }
                Step::Finished => self.done = true,
                Step::Back => {
                    // Records were deleted before the page: what follows the
                    // last delivered record now lies further back.
                    self.reach_back = Some(start.saturating_sub(1));
                }
                Step::Forward => {
                    self.position = start + ids.len() as u64 - 1;
                    self.reach_back = None;
                }
            }
            self.fruitless += 1;
            if self.fruitless >= MAX_FRUITLESS {
                return Err(Error::Paging {
                    page_no,
                    message: format!(
                        "{MAX_FRUITLESS} requests in a row found nothing new: the table \
                         changes faster than it can be listed"
                    ),
                });
            }
        }
        Ok(None)
    }
}

/// What to do with a page of ids (ascending) that starts at `start`.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// Deliver the records from this index on: the page begins at or
    /// before the last delivered record, so nothing lies between.
    Deliver { from: usize },
    /// The listing ends before anything new.
    Finished,
    /// The page begins after records not yet delivered may lie: fetch from
    /// further back.
    Back,
    /// Everything on the page was delivered already: move on past it.
    Forward,
}

fn decide(last_id: Option<i32>, start: u64, ids: &[i32], short: bool) -> Step {
    let Some(last) = last_id else {
        return if ids.is_empty() {
            Step::Finished
        } else {
            Step::Deliver { from: 0 }
        };
    };
    let from = ids.partition_point(|&id| id <= last);
    let reaches_back = from > 0 || start == 0;
    match (reaches_back, from < ids.len()) {
        (true, true) => Step::Deliver { from },
        (true, false) if short => Step::Finished,
        (true, false) => Step::Forward,
        (false, _) => Step::Back,
    }
}

/// The page (number and size, at most `largest`) that holds position
/// `anchor` and reaches furthest past it: offsets are `(page_no - 1) *
/// page_size`, so the size decides where a page can start.
fn window(anchor: u64, largest: u32) -> (u32, u32) {
    let mut best = (0, 0, 0);
    for size in 1..=largest {
        let start = anchor / u64::from(size) * u64::from(size);
        let beyond = start + u64::from(size) - (anchor + 1);
        if beyond >= best.2 {
            best = (start / u64::from(size), size, beyond);
        }
    }
    let page_no = u32::try_from(best.0 + 1).unwrap_or(u32::MAX);
    (page_no, best.1.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_holds_its_anchor_and_reaches_far_past_it() {
        assert_eq!(window(99, 100), (2, 99), "starts at 99 with 98 new");
        for anchor in [0, 1, 99, 100, 197, 4_999, 12_345, 999_983] {
            let (page_no, size) = window(anchor, 100);
            let start = u64::from(page_no - 1) * u64::from(size);
            let end = start + u64::from(size);
            assert!(start <= anchor && anchor < end, "{anchor}: {start}..{end}");
            // Some size from 1 to 100 always fits well: 59 new at worst
            // (over the first 200,000 positions), 88 on average.
            assert!(end - anchor > 59, "{anchor}: only {} new", end - anchor - 1);
        }
        assert_eq!(window(5, 1), (6, 1));
    }

    #[test]
    fn a_page_is_trusted_only_when_it_reaches_back_to_what_was_delivered() {
        assert_eq!(decide(None, 0, &[1, 2], false), Step::Deliver { from: 0 });
        assert_eq!(decide(None, 0, &[], true), Step::Finished);
        // Starts with the last delivered record: deliver what follows.
        assert_eq!(
            decide(Some(7), 95, &[7, 9, 12], false),
            Step::Deliver { from: 1 }
        );
        // The last delivered record was deleted, but an earlier one anchors.
        assert_eq!(
            decide(Some(8), 95, &[7, 9], true),
            Step::Deliver { from: 1 }
        );
        // Nothing at or before 7: records may have slipped back past the page.
        assert_eq!(decide(Some(7), 95, &[9, 12], false), Step::Back);
        assert_eq!(decide(Some(7), 95, &[], true), Step::Back);
        // From the very start nothing can lie before.
        assert_eq!(decide(Some(7), 0, &[9], true), Step::Deliver { from: 0 });
        assert_eq!(decide(Some(7), 95, &[5, 7], true), Step::Finished);
        assert_eq!(decide(Some(7), 95, &[5, 7], false), Step::Forward);
    }
}
