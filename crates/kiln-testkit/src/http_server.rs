//! A minimal HTTP/1.1 server for test doubles of remote services: one connection at a time,
//! `Connection: close`, enough for reqwest.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    /// Lower-case names.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Response {
            status,
            content_type,
            body,
        }
    }

    pub fn json(status: u16, value: serde_json::Value) -> Self {
        Response::new(status, "application/json", value.to_string().into_bytes())
    }
}

/// Serves `handle` on a free localhost port for the rest of the test process; returns its URL.
/// The handler gets a Tokio runtime for calls to async clients.
pub fn start(
    handle: impl Fn(Request, &tokio::runtime::Runtime) -> Response + Send + 'static,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        for stream in listener.incoming().flatten() {
            let _ = serve(stream, &handle, &runtime);
        }
    });
    url
}

fn serve(
    mut stream: TcpStream,
    handle: &impl Fn(Request, &tokio::runtime::Runtime) -> Response,
    runtime: &tokio::runtime::Runtime,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|length| length.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let response = handle(
        Request {
            method,
            path: path.to_string(),
            query: query.to_string(),
            headers,
            body,
        },
        runtime,
    );
    write!(
        stream,
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        response.status,
        response.content_type,
        response.body.len()
    )?;
    stream.write_all(&response.body)
}
