//! The one reader/writer pipeline: a producer on a second thread (reading
//! the export, and for a site converting the bodies) hands batches through
//! a small bounded channel to a consumer on the calling thread (an
//! emitter, or the writer of a site's files). Memory stays bounded by a
//! few batches; the output is the same, in the same order, as a
//! single-threaded run.
//!
//! A consumed batch goes back to the producer to be freed there: freeing
//! on the thread that allocated makes the allocator contend less.

use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

/// The producer's end of the pipeline.
pub struct Feed<T> {
    tx: SyncSender<T>,
    back: Receiver<T>,
}

impl<T> Feed<T> {
    /// Hands `batch` to the consumer (waiting while `depth` batches are in
    /// flight). False when the consumer has stopped on an error: the
    /// producer should stop too, and the consumer's error is the one to
    /// report.
    pub fn send(&self, batch: T) -> bool {
        while let Ok(done) = self.back.try_recv() {
            drop(done);
        }
        self.tx.send(batch).is_ok()
    }
}

/// Runs `produce` on a second thread and `consume` on this one, over a
/// channel of `depth` batches; returns what each returned. The consumer's
/// first error stops it, and then the producer's next [`Feed::send`].
pub fn run<T: Send, P: Send, E>(
    depth: usize,
    produce: impl FnOnce(&Feed<T>) -> P + Send,
    mut consume: impl FnMut(&T) -> Result<(), E>,
) -> (P, Result<(), E>) {
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<T>(depth);
        let (back_tx, back) = channel::<T>();
        let producer = scope.spawn(move || produce(&Feed { tx, back }));
        let mut consumed = Ok(());
        for batch in rx {
            if let Err(e) = consume(&batch) {
                consumed = Err(e);
                break;
            }
            // If the producer has finished, it frees nothing more: drop here.
            if let Err(std::sync::mpsc::SendError(batch)) = back_tx.send(batch) {
                drop(batch);
            }
        }
        let produced = producer.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (produced, consumed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_arrive_in_order_and_a_consumer_error_stops_the_producer() {
        let mut seen = Vec::new();
        let (sent, consumed) = run(
            2,
            |feed: &Feed<Vec<u32>>| (0..10).take_while(|&n| feed.send(vec![n])).count(),
            |batch| {
                seen.extend_from_slice(batch);
                if seen.len() == 4 { Err("disk full") } else { Ok(()) }
            },
        );
        assert_eq!(seen, [0, 1, 2, 3]);
        assert_eq!(consumed, Err("disk full"));
        assert!(sent < 10, "the producer stopped ({sent} sent)");
    }
}
