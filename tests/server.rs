//! The mock HTTP server of the tests that go on the network (`check`,
//! `media`): tiny_http on a free 127.0.0.1 port, each request answered on
//! its own thread by the test file's handler, and every request logged and
//! counted by path. The server stops when dropped.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Answers one request: the request, its path (without the query), how
/// many times that path has been asked for (this time included), and the
/// flag set when the server stops (for bodies that would never end).
pub type Handler = fn(tiny_http::Request, &str, usize, Arc<AtomicBool>);

/// One logged request: path, arrival, `User-Agent`.
pub type Logged = (String, Instant, String);

/// A running server.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Requests by path.
    pub hits: Arc<Mutex<HashMap<String, usize>>>,
    /// Every request, in arrival order.
    pub log: Arc<Mutex<Vec<Logged>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server answering with `handle`.
    pub fn start(handle: Handler) -> Server {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("a loopback port");
        let addr = server.server_addr().to_ip().expect("an IP address");
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let log: Arc<Mutex<Vec<Logged>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (h, s, l) = (hits.clone(), stop.clone(), log.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let Ok(Some(req)) = server.recv_timeout(Duration::from_millis(50)) else {
                    continue;
                };
                let path = req.url().split('?').next().unwrap_or("").to_string();
                let ua = req
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("User-Agent"))
                    .map(|h| h.value.to_string())
                    .unwrap_or_default();
                l.lock().unwrap().push((path.clone(), Instant::now(), ua));
                let n = {
                    let mut m = h.lock().unwrap();
                    let e = m.entry(path.clone()).or_insert(0);
                    *e += 1;
                    *e
                };
                let s = s.clone();
                std::thread::spawn(move || handle(req, &path, n, s));
            }
        });
        Server {
            addr,
            hits,
            log,
            stop,
            thread: Some(thread),
        }
    }

    /// How many times `path` was asked for.
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    /// The paths asked for since the last call, in arrival order.
    pub fn take_paths(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
            .into_iter()
            .map(|(path, _, _)| path)
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
