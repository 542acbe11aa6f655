//! A pinning service for the tests: speaks the IPFS Pinning Service API (bearer token, create,
//! list, status, delete) and pins on the real test node, one state a poll:
//! queued → pinning → pinned (or failed, with the node's reason).

use std::sync::{Arc, Mutex};

use kiln_ipfs::{Cid, KuboClient};
use serde_json::json;

use crate::http_server::{self, Request, Response};
use crate::impatient;

pub struct PinningService {
    pub url: String,
    pub token: String,
}

struct Entry {
    id: String,
    cid: Cid,
    name: String,
    state: &'static str,
    details: String,
}

impl PinningService {
    pub fn start(node_api: &str) -> PinningService {
        let token = "test-token-0f3a".to_string();
        let expected = format!("Bearer {token}");
        let node = KuboClient::with_policy(node_api, impatient()).unwrap();
        let entries = Arc::new(Mutex::new(Vec::<Entry>::new()));
        let url = http_server::start(move |request: Request, runtime| {
            if request.headers.get("authorization") != Some(&expected) {
                return failure(401, "UNAUTHORIZED", "the access token is missing or wrong");
            }
            let mut entries = entries.lock().unwrap();
            let id = request.path.strip_prefix("/psa/pins/").map(str::to_string);
            match (request.method.as_str(), request.path.as_str(), id) {
                ("POST", "/psa/pins", _) => {
                    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&request.body)
                    else {
                        return failure(400, "BAD_REQUEST", "the body is not JSON");
                    };
                    let Some(cid) = body["cid"].as_str().and_then(|cid| cid.parse().ok()) else {
                        return failure(400, "BAD_REQUEST", "cid is missing or not a CID");
                    };
                    let id = format!("request-{}", entries.len() + 1);
                    entries.push(Entry {
                        id,
                        cid,
                        name: body["name"].as_str().unwrap_or("").to_string(),
                        state: "queued",
                        details: String::new(),
                    });
                    Response::json(202, status(entries.last().unwrap()))
                }
                ("GET", "/psa/pins", _) => {
                    let wanted: Option<Cid> = request
                        .query
                        .split('&')
                        .find_map(|pair| pair.strip_prefix("cid="))
                        .and_then(|cid| cid.parse().ok());
                    let results: Vec<_> = entries
                        .iter()
                        .rev()
                        .filter(|entry| wanted.is_none_or(|cid| entry.cid == cid))
                        .map(status)
                        .collect();
                    Response::json(200, json!({"count": results.len(), "results": results}))
                }
                ("GET", _, Some(id)) => {
                    let Some(entry) = entries.iter_mut().find(|entry| entry.id == id) else {
                        return failure(404, "NOT_FOUND", "no such request");
                    };
                    match entry.state {
                        "queued" => entry.state = "pinning",
                        "pinning" => match runtime.block_on(node.pin_add(&entry.cid)) {
                            Ok(()) => entry.state = "pinned",
                            Err(error) => {
                                entry.state = "failed";
                                entry.details = error.to_string();
                            }
                        },
                        _ => {}
                    }
                    Response::json(200, status(entry))
                }
                ("DELETE", _, Some(id)) => {
                    let Some(index) = entries.iter().position(|entry| entry.id == id) else {
                        return failure(404, "NOT_FOUND", "no such request");
                    };
                    let entry = entries.remove(index);
                    if entry.state == "pinned" {
                        runtime.block_on(node.pin_rm(&entry.cid)).unwrap();
                    }
                    Response::new(202, "text/plain", Vec::new())
                }
                _ => failure(404, "NOT_FOUND", "no such endpoint"),
            }
        });
        PinningService {
            url: format!("{url}/psa"),
            token,
        }
    }
}

fn status(entry: &Entry) -> serde_json::Value {
    json!({
        "requestid": entry.id,
        "status": entry.state,
        "created": "2026-11-26T12:00:00Z",
        "pin": {"cid": entry.cid.to_string(), "name": entry.name},
        "delegates": ["/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWTestService"],
        "info": {"status_details": entry.details},
    })
}

fn failure(status: u16, reason: &str, details: &str) -> Response {
    Response::json(
        status,
        json!({"error": {"reason": reason, "details": details}}),
    )
}
