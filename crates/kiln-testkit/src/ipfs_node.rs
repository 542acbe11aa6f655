//! A real IPFS node (js-ipfs, started and stopped by `scripts/ipfs-node`), and a trustless
//! gateway in front of it.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use kiln_ipfs::{Blockstore, Cid, KuboClient, RetryPolicy, export_car};

use crate::http_server::{self, Response};

/// One node per test binary: starting js-ipfs takes seconds. The daemon script watches this
/// process and stops the node when the tests end, however they end.
pub struct IpfsNode {
    pub api: String,
    pub gateway: String,
    _daemon: Child,
}

pub fn ipfs_node() -> &'static IpfsNode {
    static NODE: OnceLock<IpfsNode> = OnceLock::new();
    NODE.get_or_init(IpfsNode::start)
}

impl IpfsNode {
    fn start() -> IpfsNode {
        // The daemon script deletes the repo when this process ends.
        let repo = std::env::temp_dir().join(format!("kiln-ipfs-test-{}", std::process::id()));
        let (api_port, gateway_port) = (free_port(), free_port());
        let script = crate::script("ipfs-node");
        let mut daemon = Command::new("bash")
            .arg(&script)
            .arg("daemon")
            .arg(&repo)
            .arg(api_port.to_string())
            .arg(gateway_port.to_string())
            .arg(std::process::id().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bash runs scripts/ipfs-node");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", api_port)).is_err() {
            let exited = daemon.try_wait().unwrap().is_some();
            if exited || started.elapsed() > Duration::from_secs(90) {
                let _ = daemon.kill();
                let mut errors = String::new();
                let _ = daemon.stderr.take().unwrap().read_to_string(&mut errors);
                panic!(
                    "the IPFS node did not start (run scripts/ipfs-node install first; scripts/test does):\n{errors}"
                );
            }
            thread::sleep(Duration::from_millis(200));
        }
        // Keep reading what the daemon says, so it never blocks on a full pipe.
        let mut stderr = daemon.stderr.take().unwrap();
        thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        // The API port opens a moment before the gateway's.
        while TcpStream::connect(("127.0.0.1", gateway_port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(90));
            thread::sleep(Duration::from_millis(100));
        }
        IpfsNode {
            api: format!("http://127.0.0.1:{api_port}"),
            gateway: format!("http://127.0.0.1:{gateway_port}"),
            _daemon: daemon,
        }
    }

    pub fn client(&self) -> KuboClient {
        KuboClient::new(&self.api).unwrap()
    }
}

/// A localhost port nobody listens on. Each call of this process gets another one, so that two
/// tests starting nodes at once never share a port.
pub(crate) fn free_port() -> u16 {
    use std::sync::atomic::AtomicU16;
    static NEXT: AtomicU16 = AtomicU16::new(0);
    // Ports 20000–44999, outside Linux's ephemeral range, from a place that differs by process.
    let start = (std::process::id() % 20_000) as u16;
    loop {
        let offset = NEXT.fetch_add(1, Ordering::Relaxed) % 20_000;
        let port = 20_000 + (start + offset) % 25_000;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A retry policy that gives up fast, for tests of failures.
pub fn impatient() -> RetryPolicy {
    RetryPolicy {
        attempts: 2,
        first_backoff: Duration::from_millis(10),
        request_timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
    }
}

/// Deterministic test content.
pub fn content(size: usize, seed: u32) -> Vec<u8> {
    let mut state = seed;
    (0..size)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect()
}

/// A trustless gateway (`/ipfs/{cid}?format=raw|car`) serving what the real node holds, read
/// through its RPC API. When told to lie, it flips one bit of every answer. Some real gateways
/// serve only blocks: `start_blocks_only` is one of those.
pub struct TrustlessGateway {
    pub url: String,
    lie: Arc<AtomicBool>,
}

impl TrustlessGateway {
    pub fn start(node_api: &str) -> TrustlessGateway {
        Self::serving(node_api, true)
    }

    pub fn start_blocks_only(node_api: &str) -> TrustlessGateway {
        Self::serving(node_api, false)
    }

    fn serving(node_api: &str, serves_car: bool) -> TrustlessGateway {
        let lie = Arc::new(AtomicBool::new(false));
        let lying = lie.clone();
        let node = KuboClient::with_policy(node_api, impatient()).unwrap();
        let url = http_server::start(move |request, runtime| {
            let cid: Option<Cid> = request
                .path
                .strip_prefix("/ipfs/")
                .and_then(|cid| cid.parse().ok());
            let answer = cid.and_then(|cid| match request.query.as_str() {
                "format=raw" => runtime
                    .block_on(node.block_get(&cid))
                    .ok()
                    .map(|block| ("application/vnd.ipld.raw", block.into_data())),
                "format=car" if serves_car => {
                    let mut store = Blockstore::in_memory().unwrap();
                    runtime.block_on(node.fetch_dag(&cid, &mut store)).ok()?;
                    let mut car = Vec::new();
                    export_car(&store, &cid, &mut car).ok()?;
                    Some(("application/vnd.ipld.car; version=1", car))
                }
                _ => None,
            });
            match answer {
                Some((content_type, mut body)) => {
                    if lying.load(Ordering::SeqCst)
                        && let Some(last) = body.last_mut()
                    {
                        *last ^= 1;
                    }
                    Response::new(200, content_type, body)
                }
                None => Response::new(404, "text/plain", b"not found".to_vec()),
            }
        });
        TrustlessGateway { url, lie }
    }

    /// A gateway serving the blocks of `store` (raw, and as a CAR of the DAG under the asked
    /// root): what a hostile gateway, or the node of a hostile creator, would serve.
    pub fn serving_store(store: Blockstore) -> TrustlessGateway {
        let store = std::sync::Mutex::new(store);
        let url = http_server::start(move |request, _runtime| {
            let cid: Option<Cid> = request
                .path
                .strip_prefix("/ipfs/")
                .and_then(|cid| cid.parse().ok());
            let store = store.lock().unwrap();
            let answer = cid.and_then(|cid| match request.query.as_str() {
                "format=raw" => store
                    .get(&cid)
                    .ok()
                    .flatten()
                    .map(|block| ("application/vnd.ipld.raw", block.into_data())),
                "format=car" => {
                    let mut car = Vec::new();
                    export_car(&store, &cid, &mut car).ok()?;
                    Some(("application/vnd.ipld.car; version=1", car))
                }
                _ => None,
            });
            match answer {
                Some((content_type, body)) => Response::new(200, content_type, body),
                None => Response::new(404, "text/plain", b"not found".to_vec()),
            }
        });
        TrustlessGateway {
            url,
            lie: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn lie(&self, lie: bool) {
        self.lie.store(lie, Ordering::SeqCst);
    }
}
