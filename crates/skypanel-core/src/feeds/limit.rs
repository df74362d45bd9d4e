//! Running many requests at once on one thread: [`join_all`] polls a set of futures
//! together (they need not be `Send`: the browser's `fetch` futures are not), and
//! [`PerHost`] wraps a [`Transport`] so that no more than a few requests are in flight to any
//! one host — 6 by default, Chrome's own per-host connection limit, so a feed of 150 sources
//! queues in SkyPanel rather than in the browser's socket pool where the timeouts run.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::xrpc::{HttpRequest, HttpResponse, Transport, TransportError};

/// Chrome's limit of connections per host, and SkyPanel's limit of requests in flight per host.
pub const MAX_PER_HOST: usize = 6;

/// Runs all `futures` together and returns their outputs in the same order.
///
/// Every future is polled again whenever any of them is woken: simple and fair, and cheap
/// for the few hundred futures a feed starts (a future that is not ready returns at once).
pub async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pending: Vec<Option<Pin<Box<F>>>> = futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    let mut outputs: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut all_done = true;
        for (slot, out) in pending.iter_mut().zip(outputs.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => {
                        *out = Some(value);
                        *slot = None;
                    }
                    Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            Poll::Ready(outputs.iter_mut().filter_map(Option::take).collect())
        } else {
            Poll::Pending
        }
    })
    .await
}

#[derive(Default)]
struct Host {
    name: String,
    in_flight: usize,
    peak: usize,
    waiting: Vec<Waker>,
}

/// A [`Transport`] that lets at most `max` requests per URL host be in flight at once; the
/// others wait their turn (in the order they are polled). Single-threaded, like the client.
pub struct PerHost<T> {
    inner: T,
    max: usize,
    /// The hosts seen (a feed talks to one or two: a list, not a map, for a smaller wasm).
    hosts: RefCell<Vec<Host>>,
}

impl<T> PerHost<T> {
    /// Wraps `inner` with a limit of `max` (at least 1) requests in flight per host.
    pub fn new(inner: T, max: usize) -> Self {
        PerHost { inner, max: max.max(1), hosts: RefCell::default() }
    }

    /// The most requests that were in flight at once to `host` (`name[:port]`), so far.
    pub fn peak(&self, host: &str) -> usize {
        self.hosts.borrow().iter().find(|h| h.name == host).map_or(0, |h| h.peak)
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

/// `name[:port]` of an absolute URL (what browsers count connections by, near enough).
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// Holds one of a host's slots; gives it back (and wakes the waiting requests) when dropped,
/// also when the request's future is dropped half-way.
struct Permit<'a, T> {
    limiter: &'a PerHost<T>,
    host: String,
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        let waiting = {
            let mut hosts = self.limiter.hosts.borrow_mut();
            let Some(host) = hosts.iter_mut().find(|h| h.name == self.host) else { return };
            host.in_flight = host.in_flight.saturating_sub(1);
            std::mem::take(&mut host.waiting)
        };
        // Wake every waiter: one that was dropped meanwhile must not strand the others.
        for waker in waiting {
            waker.wake();
        }
    }
}

impl<T> PerHost<T> {
    async fn acquire(&self, host: &str) -> Permit<'_, T> {
        std::future::poll_fn(|cx: &mut Context<'_>| {
            let mut hosts = self.hosts.borrow_mut();
            let at = match hosts.iter().position(|h| h.name == host) {
                Some(at) => at,
                None => {
                    hosts.push(Host { name: host.to_owned(), ..Host::default() });
                    hosts.len() - 1
                }
            };
            let entry = &mut hosts[at];
            if entry.in_flight < self.max {
                entry.in_flight += 1;
                entry.peak = entry.peak.max(entry.in_flight);
                Poll::Ready(())
            } else {
                if !entry.waiting.iter().any(|w| w.will_wake(cx.waker())) {
                    entry.waiting.push(cx.waker().clone());
                }
                Poll::Pending
            }
        })
        .await;
        Permit { limiter: self, host: host.to_owned() }
    }
}

impl<T: Transport> Transport for PerHost<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let host = host_of(&request.url).to_owned();
        let _permit = self.acquire(&host).await;
        self.inner.send(request).await
    }

    async fn sleep(&self, ms: u64) {
        // A retry's wait holds no slot: the permit is taken per exchange, in `send`.
        self.inner.sleep(ms).await
    }

    fn now_ms(&self) -> u64 {
        self.inner.now_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_name_and_port() {
        assert_eq!(host_of("http://localhost:2583/xrpc/x?y=1"), "localhost:2583");
        assert_eq!(host_of("https://bsky.social?x"), "bsky.social");
        assert_eq!(host_of("https://api.bsky.app"), "api.bsky.app");
        assert_eq!(host_of("nonsense"), "nonsense");
    }

    #[test]
    fn join_all_keeps_the_order_of_its_futures() {
        let out = pollster::block_on(join_all((0..5).map(|i| async move { i * 2 }).collect()));
        assert_eq!(out, vec![0, 2, 4, 6, 8]);
        let none: Vec<std::future::Ready<u8>> = Vec::new();
        assert!(pollster::block_on(join_all(none)).is_empty());
    }
}
