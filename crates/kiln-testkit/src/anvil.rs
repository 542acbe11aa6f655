//! A real Ethereum node: anvil, started by `scripts/anvil` for one test and stopped when the
//! test ends (it starts in a fraction of a second, and a node of its own keeps each test's
//! accounts and blocks apart from the others').

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::ipfs_node::free_port;

/// anvil's chain id.
pub const ANVIL_CHAIN_ID: u64 = 31337;

/// The private keys of anvil's first dev accounts (public knowledge: they hold test ether
/// only), each funded with 10,000 ether.
pub const ANVIL_DEV_KEYS: [&str; 3] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];

/// A running anvil node.
pub struct Anvil {
    pub url: String,
    pub port: u16,
    daemon: Child,
}

impl Anvil {
    pub fn start() -> Anvil {
        let port = free_port();
        let script = crate::script("anvil");
        let mut daemon = Command::new("bash")
            .arg(&script)
            .arg("daemon")
            .arg(port.to_string())
            .arg(std::process::id().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bash runs scripts/anvil");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            let exited = daemon.try_wait().unwrap().is_some();
            if exited || started.elapsed() > Duration::from_secs(30) {
                let _ = daemon.kill();
                let mut errors = String::new();
                let _ = daemon.stderr.take().unwrap().read_to_string(&mut errors);
                panic!(
                    "anvil did not start (run scripts/anvil install first; scripts/test does):\n{errors}"
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
        let mut stderr = daemon.stderr.take().unwrap();
        thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        Anvil {
            url: format!("http://127.0.0.1:{port}"),
            port,
            daemon,
        }
    }

    /// Calls a JSON-RPC method (anvil's own included: `anvil_setBalance`, `evm_snapshot`, …)
    /// and returns its result; panics on an error answer.
    pub fn rpc(&self, method: &str, params: serde_json::Value) -> serde_json::Value {
        anvil_rpc(self.port, method, params)
    }

    /// Stops the node now (a test of a node that went away).
    pub fn stop(&mut self) {
        if !matches!(self.daemon.try_wait(), Ok(None)) {
            return;
        }
        // The script stops anvil when it is told to end (SIGTERM; a SIGKILL would orphan it).
        // bash's own `kill`: minimal systems have no kill binary.
        let _ = Command::new("bash")
            .args(["-c", &format!("kill {}", self.daemon.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.daemon.wait();
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends a JSON-RPC request body to the node on `port` and returns the answer's body as it
/// came, errors included (for proxies that stand between a client and anvil).
pub fn forward_rpc(port: u16, body: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("anvil listens");
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("an HTTP answer");
    response.split_off(split + 4)
}

/// [`Anvil::rpc`] for the node on `port`, from a thread that does not hold the [`Anvil`].
pub fn anvil_rpc(port: u16, method: &str, params: serde_json::Value) -> serde_json::Value {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        .to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("anvil listens");
    write!(
            stream,
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let json = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .expect("an HTTP answer");
    let answer: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|error| panic!("{method}: {error}: {response}"));
    assert!(answer.get("error").is_none(), "{method}: {answer}");
    answer["result"].clone()
}
