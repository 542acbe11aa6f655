//! Verified reads from HTTP gateways, through the trustless gateway formats: a whole DAG as a
//! CAR (`?format=car`) or one block at a time (`?format=raw`). Every block is hashed before it
//! is stored, so a gateway can be slow or down but never wrong: wrong bytes are caught, the
//! gateway is reported, and the next one on the list is asked.

use std::collections::HashSet;
use std::fmt;

use crate::Cid;
use crate::block::{Block, BlockError};
use crate::blockstore::{Blockstore, StoreError};
use crate::car::{CarError, import_car_within};
use crate::http::{self, Attempt, RetryPolicy};
use crate::limits::{ReadBudget, ReadLimitError, ReadLimits};

/// A CAR answer larger than this is not held in memory; the fetch goes on block by block.
const MAX_CAR_IN_MEMORY: usize = 64 * 1024 * 1024;
const CAR_TYPE: &str = "application/vnd.ipld.car";
const RAW_TYPE: &str = "application/vnd.ipld.raw";

/// Public gateways that serve the trustless formats, tried in order when none is configured.
pub const DEFAULT_GATEWAYS: &[&str] = &[
    "https://trustless-gateway.link",
    "https://ipfs.io",
    "https://dweb.link",
];

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("{0:?} is not a gateway address; give one like https://ipfs.io")]
    BadUrl(String),
    #[error("no gateway is configured")]
    NoGateway,
    #[error("no gateway gave a verified copy of {root}:\n{}", list(.failures))]
    AllFailed {
        root: Box<Cid>,
        failures: Vec<GatewayFailure>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The DAG passes a read limit: the same DAG from any gateway would, so none other is asked.
    #[error(transparent)]
    Limit(#[from] ReadLimitError),
}

/// Why one gateway was passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayFailure {
    pub gateway: String,
    pub reason: FailureReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureReason {
    /// The gateway sent bytes that do not hash to the CID it was asked for.
    WrongBytes(String),
    /// The gateway answers, but not in the trustless formats (a path-only gateway).
    NotTrustless(String),
    /// No answer, or an HTTP error.
    Unavailable(String),
}

impl fmt::Display for GatewayFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            FailureReason::WrongBytes(detail) => {
                write!(
                    f,
                    "  {}: sent WRONG BYTES ({detail}); they were discarded",
                    self.gateway
                )
            }
            FailureReason::NotTrustless(detail) => write!(
                f,
                "  {}: does not serve verifiable blocks ({detail}); use a gateway that supports ?format=raw/car",
                self.gateway
            ),
            FailureReason::Unavailable(detail) => write!(f, "  {}: {detail}", self.gateway),
        }
    }
}

fn list(failures: &[GatewayFailure]) -> String {
    failures
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// How a fetch went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchReport {
    /// The gateway that gave the DAG; `None` when the store had it all already.
    pub gateway: Option<String>,
    /// Blocks verified and stored by this fetch.
    pub blocks_fetched: u64,
    /// Gateways passed over before, and why (a gateway that lied is named here).
    pub rejected: Vec<GatewayFailure>,
}

/// Reads DAGs from a list of gateways, verifying every block.
#[derive(Debug, Clone)]
pub struct GatewayClient {
    http: reqwest::Client,
    gateways: Vec<reqwest::Url>,
    policy: RetryPolicy,
    read_limits: ReadLimits,
}

impl GatewayClient {
    /// A client of `gateways` (base addresses such as `https://ipfs.io`), asked in order.
    pub fn new<S: AsRef<str>>(gateways: &[S]) -> Result<Self, GatewayError> {
        Self::with_policy(gateways, RetryPolicy::default())
    }

    pub fn with_policy<S: AsRef<str>>(
        gateways: &[S],
        policy: RetryPolicy,
    ) -> Result<Self, GatewayError> {
        if gateways.is_empty() {
            return Err(GatewayError::NoGateway);
        }
        let gateways = gateways
            .iter()
            .map(|gateway| {
                let text = gateway.as_ref();
                http::service_url(text, "/ipfs")
                    .ok_or_else(|| GatewayError::BadUrl(text.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let http =
            http::client(&policy).map_err(|error| GatewayError::BadUrl(error.to_string()))?;
        Ok(GatewayClient {
            http,
            gateways,
            policy,
            read_limits: ReadLimits::default(),
        })
    }

    /// Fetches under other limits than [`ReadLimits::default`].
    pub fn with_read_limits(mut self, limits: ReadLimits) -> Self {
        self.read_limits = limits;
        self
    }

    /// Makes the whole DAG under `root` present in `store`, fetching what is missing from the
    /// first gateway that gives it verified. `progress` hears each stored block's size.
    pub async fn fetch_dag(
        &self,
        root: &Cid,
        store: &mut Blockstore,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<FetchReport, GatewayError> {
        if is_complete(store, root)? {
            return Ok(FetchReport {
                gateway: None,
                blocks_fetched: 0,
                rejected: Vec::new(),
            });
        }
        let mut rejected = Vec::new();
        for gateway in &self.gateways {
            let name = gateway.as_str().trim_end_matches("/ipfs/").to_string();
            let mut fetched = 0;
            let outcome = match self.fetch_car(gateway, root, store, progress).await {
                Ok(blocks) => {
                    fetched += blocks;
                    // A gateway may answer with part of the DAG; ask for the rest block by block.
                    self.fetch_blocks(gateway, root, store, progress, &mut fetched)
                        .await
                }
                Err(Skip::Store(error)) => return Err(error.into()),
                Err(Skip::Limit(error)) => return Err(error.into()),
                Err(Skip::Because(FailureReason::WrongBytes(detail))) => {
                    Err(Skip::Because(FailureReason::WrongBytes(detail)))
                }
                Err(Skip::Because(_)) => {
                    self.fetch_blocks(gateway, root, store, progress, &mut fetched)
                        .await
                }
            };
            match outcome {
                Ok(()) => {
                    return Ok(FetchReport {
                        gateway: Some(name),
                        blocks_fetched: fetched,
                        rejected,
                    });
                }
                Err(Skip::Store(error)) => return Err(error.into()),
                Err(Skip::Limit(error)) => return Err(error.into()),
                Err(Skip::Because(reason)) => rejected.push(GatewayFailure {
                    gateway: name,
                    reason,
                }),
            }
        }
        Err(GatewayError::AllFailed {
            root: Box::new(*root),
            failures: rejected,
        })
    }

    /// Asks for the DAG as one CAR; returns the blocks stored.
    async fn fetch_car(
        &self,
        gateway: &reqwest::Url,
        root: &Cid,
        store: &mut Blockstore,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<u64, Skip> {
        let body = self
            .get(gateway, root, "car", CAR_TYPE, MAX_CAR_IN_MEMORY)
            .await?;
        let budget = ReadBudget::new(self.read_limits, *root);
        match import_car_within(store, &body[..], None, Some(budget)) {
            Ok(imported) => {
                if !imported.roots.contains(root) && !imported.roots.is_empty() {
                    return Err(Skip::Because(FailureReason::WrongBytes(format!(
                        "the CAR is for {:?}, not {root}",
                        imported
                            .roots
                            .iter()
                            .map(Cid::to_string)
                            .collect::<Vec<_>>()
                    ))));
                }
                progress(body.len() as u64);
                Ok(imported.new_blocks)
            }
            Err(CarError::BadBlock { index, source }) => Err(Skip::Because(
                FailureReason::WrongBytes(format!("block {index} of the CAR: {source}")),
            )),
            Err(CarError::Store(error)) => Err(Skip::Store(error)),
            Err(CarError::Limit(error)) => Err(Skip::Limit(error)),
            Err(error) => Err(Skip::Because(FailureReason::NotTrustless(
                error.to_string(),
            ))),
        }
    }

    /// Fetches each missing block of the DAG alone, verifying it before storing it and before
    /// following its links, within the read limits (each block counted once).
    async fn fetch_blocks(
        &self,
        gateway: &reqwest::Url,
        root: &Cid,
        store: &mut Blockstore,
        progress: &mut (dyn FnMut(u64) + Send),
        fetched: &mut u64,
    ) -> Result<(), Skip> {
        let mut budget = ReadBudget::new(self.read_limits, *root);
        let mut pending = vec![(*root, 0)];
        let mut seen = HashSet::new();
        while let Some((cid, depth)) = pending.pop() {
            if !seen.insert(cid) {
                continue;
            }
            let block = match store.get(&cid).map_err(Skip::Store)? {
                Some(block) => block,
                None => {
                    let data = self
                        .get(
                            gateway,
                            &cid,
                            "raw",
                            RAW_TYPE,
                            crate::car::MAX_BLOCK_BYTES as usize,
                        )
                        .await?;
                    let block = Block::verified(cid, data).map_err(|error| {
                        Skip::Because(FailureReason::WrongBytes(error.to_string()))
                    })?;
                    store.put(&block).map_err(Skip::Store)?;
                    progress(block.data().len() as u64);
                    *fetched += 1;
                    block
                }
            };
            budget
                .visit(depth, block.data().len() as u64)
                .map_err(Skip::Limit)?;
            let links = block.links().map_err(|error: BlockError| {
                Skip::Because(FailureReason::WrongBytes(error.to_string()))
            })?;
            budget.links(&cid, links.len()).map_err(Skip::Limit)?;
            pending.extend(links.into_iter().rev().map(|link| (link, depth + 1)));
        }
        Ok(())
    }

    /// One GET in a trustless format, with retries; refuses answers of another content type
    /// or over `limit` bytes.
    async fn get(
        &self,
        gateway: &reqwest::Url,
        cid: &Cid,
        format: &str,
        content_type: &'static str,
        limit: usize,
    ) -> Result<Vec<u8>, Skip> {
        let mut url = gateway
            .join(&cid.to_string())
            .map_err(|error| Skip::Because(FailureReason::Unavailable(error.to_string())))?;
        url.query_pairs_mut().append_pair("format", format);
        http::with_retries(&self.policy, || {
            let request = self.http.get(url.clone()).header("Accept", content_type);
            async move {
                let response = match request.send().await {
                    Ok(response) => response,
                    Err(error) => {
                        let skip =
                            Skip::Because(FailureReason::Unavailable(http::describe(&error)));
                        return if http::is_transient(&error) {
                            Attempt::Retry(skip)
                        } else {
                            Attempt::Done(Err(skip))
                        };
                    }
                };
                let status = response.status();
                if !status.is_success() {
                    let skip = Skip::Because(FailureReason::Unavailable(format!(
                        "HTTP {status} for {cid}"
                    )));
                    return if http::is_transient_status(status) {
                        Attempt::Retry(skip)
                    } else {
                        Attempt::Done(Err(skip))
                    };
                }
                let answered = response
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                if !answered.starts_with(content_type) {
                    return Attempt::Done(Err(Skip::Because(FailureReason::NotTrustless(
                        format!("asked for {content_type}, got {answered:?}"),
                    ))));
                }
                read_limited(response, limit).await
            }
        })
        .await
    }
}

/// The body of `response`, refused past `limit` bytes while it arrives (a browser's fetch gives
/// the body whole, so there the limit is checked once it is in).
async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> http::Attempt<Vec<u8>, Skip> {
    use http::Attempt;
    #[cfg(target_arch = "wasm32")]
    {
        let _ = &mut response;
        match response.bytes().await {
            Ok(body) if body.len() > limit => Attempt::Done(Err(Skip::Because(
                FailureReason::NotTrustless(format!("the answer is over {limit} bytes")),
            ))),
            Ok(body) => Attempt::Done(Ok(body.to_vec())),
            Err(error) => Attempt::Retry(Skip::Because(FailureReason::Unavailable(
                http::describe(&error),
            ))),
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Attempt::Done(Err(Skip::Because(FailureReason::NotTrustless(
                            format!("the answer is over {limit} bytes"),
                        ))));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Attempt::Done(Ok(body)),
                Err(error) => {
                    return Attempt::Retry(Skip::Because(FailureReason::Unavailable(
                        http::describe(&error),
                    )));
                }
            }
        }
    }
}

/// Why a gateway is left for the next one (or the fetch stops, for a local store failure).
enum Skip {
    Because(FailureReason),
    Store(StoreError),
    Limit(ReadLimitError),
}

/// Whether `store` holds every block of the DAG under `root`.
fn is_complete(store: &Blockstore, root: &Cid) -> Result<bool, StoreError> {
    match store.walk_blocks(root, |_| Ok(())) {
        Ok(()) => Ok(true),
        Err(StoreError::Missing { .. }) => Ok(false),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_addresses_are_normalised_to_their_ipfs_path() {
        let client = GatewayClient::new(&[
            "https://ipfs.io",
            "https://dweb.link/ipfs/",
            "http://127.0.0.1:8080/ipfs",
        ])
        .unwrap();
        let urls: Vec<&str> = client.gateways.iter().map(reqwest::Url::as_str).collect();
        assert_eq!(
            urls,
            [
                "https://ipfs.io/ipfs/",
                "https://dweb.link/ipfs/",
                "http://127.0.0.1:8080/ipfs/"
            ]
        );
    }

    #[test]
    fn bad_gateway_lists_are_refused() {
        assert!(matches!(
            GatewayClient::new::<&str>(&[]),
            Err(GatewayError::NoGateway)
        ));
        assert!(matches!(
            GatewayClient::new(&["ipfs.io"]),
            Err(GatewayError::BadUrl(_))
        ));
    }

    #[tokio::test]
    async fn a_dag_already_in_the_store_needs_no_gateway() {
        let mut store = Blockstore::in_memory().unwrap();
        let root = store
            .add_file(&b"local"[..], crate::ImportProfile::Legacy)
            .unwrap()
            .root;
        // Port 9 (discard) on localhost: any request would fail.
        let client = GatewayClient::new(&["http://127.0.0.1:9"]).unwrap();
        let report = client
            .fetch_dag(&root, &mut store, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(report.gateway, None);
        assert_eq!(report.blocks_fetched, 0);
    }
}
