//! A client of the IPFS Pinning Service API (the standard remote-pinning API of hosted services
//! and of `ipfs pin remote`): bearer-token auth, create, list, status, remove, and waiting for a
//! pin to complete. https://ipfs.github.io/pinning-services-api-spec/

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::Cid;
use crate::http::{self, Attempt, RetryPolicy};

#[derive(Debug, thiserror::Error)]
pub enum PinningError {
    #[error(
        "{0:?} is not a pinning service address; give its API base, like https://api.example.com/psa"
    )]
    BadUrl(String),
    #[error(
        "the pinning service token is empty; get an access token from the service and pass it with --token or KILN_PINNING_TOKEN"
    )]
    NoToken,
    #[error("cannot reach the pinning service at {url}: {source}")]
    Unreachable { url: String, source: reqwest::Error },
    #[error(
        "the pinning service refused the access token (HTTP {status}): {reason}; check the token"
    )]
    Unauthorized { status: u16, reason: String },
    #[error("the pinning service answered HTTP {status}: {reason}")]
    Service { status: u16, reason: String },
    #[error("the pinning service's answer is not what the API specifies: {0}")]
    BadResponse(String),
    #[error("the pinning service reports {theirs} for our pin of {ours}")]
    CidMismatch { ours: Box<Cid>, theirs: String },
    #[error("the pinning service could not pin {cid} (request {request_id}){}", .info.as_deref().map(|i| format!(": {i}")).unwrap_or_default())]
    PinFailed {
        cid: Box<Cid>,
        request_id: String,
        info: Option<String>,
    },
    #[error(
        "{cid} is still {status} at the pinning service after {waited:?}; it may finish later (request {request_id})"
    )]
    StillPending {
        cid: Box<Cid>,
        request_id: String,
        status: PinState,
        waited: Duration,
    },
}

/// Where a pin request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PinState {
    Queued,
    Pinning,
    Pinned,
    Failed,
}

impl std::fmt::Display for PinState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PinState::Queued => "queued",
            PinState::Pinning => "pinning",
            PinState::Pinned => "pinned",
            PinState::Failed => "failed",
        })
    }
}

/// A pin request as the service reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinStatus {
    #[serde(rename = "requestid")]
    pub request_id: String,
    pub status: PinState,
    /// When the service received the request (RFC 3339).
    pub created: String,
    pub pin: PinRequest,
    /// Multiaddrs of the service's nodes: connect to them to hand over the blocks quickly.
    #[serde(default)]
    pub delegates: Vec<String>,
    #[serde(default)]
    pub info: serde_json::Map<String, serde_json::Value>,
}

/// What is asked to be pinned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinRequest {
    pub cid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Multiaddrs of nodes that have the DAG (ours, when we serve it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<String>,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub meta: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct PinResults {
    count: u64,
    results: Vec<PinStatus>,
}

/// A client of one pinning service, with one access token.
#[derive(Clone)]
pub struct PinningClient {
    http: reqwest::Client,
    /// The API base, ending in `/`.
    base: reqwest::Url,
    token: String,
    policy: RetryPolicy,
}

/// Without the token: a client is printed in logs and error reports, its token never.
impl std::fmt::Debug for PinningClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinningClient")
            .field("base", &self.base.as_str())
            .field("token", &"(hidden)")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl PinningClient {
    pub fn new(endpoint: &str, token: &str) -> Result<Self, PinningError> {
        Self::with_policy(endpoint, token, RetryPolicy::default())
    }

    pub fn with_policy(
        endpoint: &str,
        token: &str,
        policy: RetryPolicy,
    ) -> Result<Self, PinningError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(PinningError::NoToken);
        }
        // The API base, even when given with its `/pins` endpoint.
        let base = http::service_url(endpoint, "/pins")
            .and_then(|url| url.join("..").ok())
            .ok_or_else(|| PinningError::BadUrl(endpoint.to_string()))?;
        let http = http::client(&policy).map_err(|source| PinningError::Unreachable {
            url: endpoint.to_string(),
            source,
        })?;
        Ok(PinningClient {
            http,
            base,
            token: token.to_string(),
            policy,
        })
    }

    /// Asks the service to pin `cid` under `name`.
    pub async fn add(
        &self,
        cid: &Cid,
        name: &str,
        origins: &[String],
    ) -> Result<PinStatus, PinningError> {
        let request = PinRequest {
            cid: cid.to_string(),
            name: Some(name.to_string()),
            origins: origins.to_vec(),
            meta: serde_json::Map::new(),
        };
        let status: PinStatus = self
            .call(reqwest::Method::POST, "pins", &[], Some(&request))
            .await?;
        check_cid(cid, &status)?;
        Ok(status)
    }

    /// The current state of request `request_id`.
    pub async fn status(&self, request_id: &str) -> Result<PinStatus, PinningError> {
        self.call::<PinStatus, ()>(reqwest::Method::GET, &request_path(request_id)?, &[], None)
            .await
    }

    /// Pin requests for `cid` (all of them when `None`), newest first, up to 1000.
    pub async fn list(&self, cid: Option<&Cid>) -> Result<Vec<PinStatus>, PinningError> {
        let mut query = vec![
            ("status", "queued,pinning,pinned,failed".to_string()),
            ("limit", "1000".to_string()),
        ];
        if let Some(cid) = cid {
            query.push(("cid", cid.to_string()));
        }
        let results: PinResults = self
            .call::<PinResults, ()>(reqwest::Method::GET, "pins", &query, None)
            .await?;
        if results.count < results.results.len() as u64 {
            return Err(PinningError::BadResponse(format!(
                "count {} is less than the {} results sent",
                results.count,
                results.results.len()
            )));
        }
        Ok(results.results)
    }

    /// Removes request `request_id` (the service unpins the CID).
    pub async fn remove(&self, request_id: &str) -> Result<(), PinningError> {
        self.send::<()>(
            reqwest::Method::DELETE,
            &request_path(request_id)?,
            &[],
            None,
        )
        .await
        .map(drop)
    }

    /// Polls request `request_id` until it is pinned or failed, or `timeout` passes; `on_state`
    /// hears every state seen.
    pub async fn wait_pinned(
        &self,
        cid: &Cid,
        request_id: &str,
        timeout: Duration,
        on_state: &mut dyn FnMut(PinState),
    ) -> Result<PinStatus, PinningError> {
        let started = web_time::Instant::now();
        let mut pause = Duration::from_millis(200);
        loop {
            let status = self.status(request_id).await?;
            check_cid(cid, &status)?;
            on_state(status.status);
            match status.status {
                PinState::Pinned => return Ok(status),
                PinState::Failed => {
                    return Err(PinningError::PinFailed {
                        cid: Box::new(*cid),
                        request_id: request_id.to_string(),
                        info: status
                            .info
                            .get("status_details")
                            .and_then(|value| value.as_str())
                            .map(str::to_string),
                    });
                }
                state if started.elapsed() >= timeout => {
                    return Err(PinningError::StillPending {
                        cid: Box::new(*cid),
                        request_id: request_id.to_string(),
                        status: state,
                        waited: started.elapsed(),
                    });
                }
                _ => {
                    http::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    async fn call<T: for<'de> Deserialize<'de>, B: Serialize>(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> Result<T, PinningError> {
        let bytes = self.send(method, path, query, body).await?;
        serde_json::from_slice(&bytes).map_err(|error| PinningError::BadResponse(error.to_string()))
    }

    async fn send<B: Serialize>(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> Result<Vec<u8>, PinningError> {
        let url = self
            .base
            .join(path)
            .map_err(|_| PinningError::BadUrl(self.base.to_string()))?;
        http::with_retries(&self.policy, || {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(&self.token)
                .query(query);
            if let Some(body) = body {
                request = request.json(body);
            }
            async move {
                let response = match request.send().await {
                    Ok(response) => response,
                    Err(source) => {
                        let transient = http::is_transient(&source);
                        let error = PinningError::Unreachable {
                            url: self.base.to_string(),
                            source,
                        };
                        return if transient {
                            Attempt::Retry(error)
                        } else {
                            Attempt::Done(Err(error))
                        };
                    }
                };
                let status = response.status();
                let bytes = match response.bytes().await {
                    Ok(bytes) => bytes.to_vec(),
                    Err(source) => {
                        return Attempt::Retry(PinningError::Unreachable {
                            url: self.base.to_string(),
                            source,
                        });
                    }
                };
                if status.is_success() {
                    return Attempt::Done(Ok(bytes));
                }
                let reason = failure_reason(&bytes);
                let error = if matches!(status.as_u16(), 401 | 403) {
                    PinningError::Unauthorized {
                        status: status.as_u16(),
                        reason,
                    }
                } else {
                    PinningError::Service {
                        status: status.as_u16(),
                        reason,
                    }
                };
                if http::is_transient_status(status) {
                    Attempt::Retry(error)
                } else {
                    Attempt::Done(Err(error))
                }
            }
        })
        .await
    }
}

/// The spec's `{"error": {"reason", "details"}}`, or the body as text.
fn failure_reason(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Failure {
        error: FailureBody,
    }
    #[derive(Deserialize)]
    struct FailureBody {
        reason: String,
        details: Option<String>,
    }
    match serde_json::from_slice::<Failure>(body) {
        Ok(Failure {
            error: FailureBody { reason, details },
        }) => match details {
            Some(details) => format!("{reason} ({details})"),
            None => reason,
        },
        Err(_) => String::from_utf8_lossy(body)
            .chars()
            .take(300)
            .collect::<String>()
            .trim()
            .to_string(),
    }
}

fn check_cid(ours: &Cid, status: &PinStatus) -> Result<(), PinningError> {
    let same = status
        .pin
        .cid
        .parse::<Cid>()
        .is_ok_and(|theirs| theirs.into_v1().ok() == ours.into_v1().ok());
    if same {
        Ok(())
    } else {
        Err(PinningError::CidMismatch {
            ours: Box::new(*ours),
            theirs: status.pin.cid.clone(),
        })
    }
}

/// The path of request `request_id`, which must stay one path segment under `pins/`.
fn request_path(request_id: &str) -> Result<String, PinningError> {
    if matches!(request_id, "" | "." | "..") {
        return Err(PinningError::BadResponse(format!(
            "{request_id:?} is not a usable request id"
        )));
    }
    Ok(format!("pins/{}", encode_segment(request_id)))
}

/// A request id as one URL path segment.
fn encode_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_status_from_the_spec_parses() {
        let status: PinStatus = serde_json::from_str(
            r#"{"requestid":"UniqueIdOfPinRequest","status":"queued","created":"2020-07-27T17:32:28Z",
                "pin":{"cid":"bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am","name":"chair.glb",
                       "origins":["/ip4/203.0.113.142/tcp/4001/p2p/QmSourcePeerId"],"meta":{"app_id":"99986338-1113-4706-8302-4420da6158aa"}},
                "delegates":["/ip4/203.0.113.1/tcp/4001/p2p/QmServicePeerId"],"info":{"status_details":"Queue position: 7 of 9"}}"#,
        )
        .unwrap();
        assert_eq!(status.status, PinState::Queued);
        assert_eq!(status.pin.name.as_deref(), Some("chair.glb"));
        assert_eq!(status.delegates.len(), 1);
        assert!(check_cid(&crate::raw_cid(b"hello\n"), &status).is_ok());
        assert!(check_cid(&crate::raw_cid(b"other"), &status).is_err());
    }

    #[test]
    fn service_errors_read_reason_and_details() {
        assert_eq!(
            failure_reason(br#"{"error":{"reason":"BAD_REQUEST","details":"cid is not valid"}}"#),
            "BAD_REQUEST (cid is not valid)"
        );
        assert_eq!(failure_reason(b"upstream timeout"), "upstream timeout");
    }

    #[test]
    fn endpoints_and_tokens_are_checked() {
        assert!(matches!(
            PinningClient::new("https://psa.example/psa", " "),
            Err(PinningError::NoToken)
        ));
        assert!(matches!(
            PinningClient::new("psa.example", "t"),
            Err(PinningError::BadUrl(_))
        ));
        let client = PinningClient::new("https://psa.example/psa/pins/", "t").unwrap();
        assert_eq!(client.base.as_str(), "https://psa.example/psa/");
    }

    #[test]
    fn a_client_prints_without_its_token() {
        let client = PinningClient::new("https://psa.example/psa", "sEcReT-token-42").unwrap();
        for printed in [format!("{client:?}"), format!("{client:#?}")] {
            assert!(!printed.contains("sEcReT"), "{printed}");
            assert!(printed.contains("psa.example"), "{printed}");
        }
    }

    #[test]
    fn request_ids_cannot_escape_their_path_segment() {
        assert_eq!(encode_segment("abc-123"), "abc-123");
        assert_eq!(request_path("../x?y").unwrap(), "pins/..%2Fx%3Fy");
        assert!(request_path("..").is_err());
    }
}
