//! The parts the integration tests run against: a real IPFS node (js-ipfs, started and stopped
//! by `scripts/ipfs-node`), and a trustless gateway in front of it that can be told to lie.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use kiln_ipfs::{Blockstore, Cid, KuboClient, RetryPolicy, export_car};

/// One node per test binary: starting js-ipfs takes seconds. The daemon script watches this
/// process and stops the node when the tests end, however they end.
pub struct TestNode {
    pub api: String,
    pub gateway: String,
    _daemon: Child,
}

pub fn node() -> &'static TestNode {
    static NODE: OnceLock<TestNode> = OnceLock::new();
    NODE.get_or_init(TestNode::start)
}

impl TestNode {
    fn start() -> TestNode {
        // The daemon script deletes the repo when this process ends.
        let repo = std::env::temp_dir().join(format!("kiln-ipfs-test-{}", std::process::id()));
        let (api_port, gateway_port) = (free_port(), free_port());
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/ipfs-node");
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
        TestNode {
            api: format!("http://127.0.0.1:{api_port}"),
            gateway: format!("http://127.0.0.1:{gateway_port}"),
            _daemon: daemon,
        }
    }

    pub fn client(&self) -> KuboClient {
        KuboClient::new(&self.api).unwrap()
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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
/// through its RPC API. When told to lie, it flips one bit of every answer.
pub struct TrustlessGateway {
    pub url: String,
    lie: Arc<AtomicBool>,
}

impl TrustlessGateway {
    pub fn start(node_api: &str) -> TrustlessGateway {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let lie = Arc::new(AtomicBool::new(false));
        let lying = lie.clone();
        let client = KuboClient::with_policy(node_api, impatient()).unwrap();
        thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let _ = serve(stream, &client, &runtime, lying.load(Ordering::SeqCst));
            }
        });
        TrustlessGateway { url, lie }
    }

    pub fn lie(&self, lie: bool) {
        self.lie.store(lie, Ordering::SeqCst);
    }
}

fn serve(
    mut stream: TcpStream,
    node: &KuboClient,
    runtime: &tokio::runtime::Runtime,
    lie: bool,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let cid: Option<Cid> = path.strip_prefix("/ipfs/").and_then(|cid| cid.parse().ok());
    let answer = cid.and_then(|cid| match query {
        "format=raw" => runtime
            .block_on(node.block_get(&cid))
            .ok()
            .map(|block| ("application/vnd.ipld.raw", block.into_data())),
        "format=car" => {
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
            if lie && let Some(last) = body.last_mut() {
                *last ^= 1;
            }
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)
        }
        None => stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    }
}
