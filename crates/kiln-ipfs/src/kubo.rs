//! A client of the Kubo RPC API (`/api/v0`), which Kubo, js-ipfs and many hosted IPFS services
//! speak. Written on reqwest (the `ipfs-api` crate is unmaintained and pins an old hyper).
//!
//! Nothing the node says is taken on trust: every CID it returns is compared with the CID we
//! computed, blocks it sends are verified, and files are read back as verified DAGs.

use std::collections::HashMap;

use reqwest::multipart::{Form, Part};
use serde::Deserialize;

use crate::Cid;
use crate::block::{Block, BlockError, DAG_PB, RAW};
use crate::blockstore::{Blockstore, StoreError};
use crate::car::{CarError, export_car, import_car};
use crate::http::{self, Attempt, RetryPolicy};
use crate::import::file_cid;
use crate::profile::ImportProfile;

#[derive(Debug, thiserror::Error)]
pub enum KuboError {
    #[error("{0:?} is not a node API address; give one like http://127.0.0.1:5001")]
    BadUrl(String),
    #[error(
        "cannot reach the IPFS node at {url}: {source}; is the daemon running (`ipfs daemon`)?"
    )]
    Unreachable { url: String, source: reqwest::Error },
    #[error("the IPFS node answered {status} to {call}: {message}")]
    Node {
        call: &'static str,
        status: u16,
        message: String,
    },
    #[error("the IPFS node's answer to {call} is not what the RPC API specifies: {reason}")]
    BadResponse { call: &'static str, reason: String },
    #[error(
        "the IPFS node computed {theirs} where Kiln computed {ours}; the node's import settings differ, so it would serve a different DAG; publish with the CAR path instead"
    )]
    CidMismatch { ours: Box<Cid>, theirs: Box<Cid> },
    #[error("a block from the IPFS node is wrong: {0}")]
    Block(#[from] BlockError),
    #[error("the DAG from the IPFS node is wrong: {0}")]
    Car(#[from] CarError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the node says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NodeIdentity {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "AgentVersion", default)]
    pub agent_version: String,
    /// Multiaddrs where the node can be reached by other nodes.
    #[serde(rename = "Addresses", default, deserialize_with = "null_as_empty")]
    pub addresses: Vec<String>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(deserializer)?.unwrap_or_default())
}

/// A client of one node's RPC API.
#[derive(Debug, Clone)]
pub struct KuboClient {
    http: reqwest::Client,
    /// Ends in `/api/v0/`.
    base: reqwest::Url,
    policy: RetryPolicy,
}

impl KuboClient {
    /// A client of the node whose API listens at `api` (e.g. `http://127.0.0.1:5001`; a path
    /// ending in `/api/v0` is accepted too).
    pub fn new(api: &str) -> Result<Self, KuboError> {
        Self::with_policy(api, RetryPolicy::default())
    }

    pub fn with_policy(api: &str, policy: RetryPolicy) -> Result<Self, KuboError> {
        let base =
            http::service_url(api, "/api/v0").ok_or_else(|| KuboError::BadUrl(api.to_string()))?;
        let http = http::client(&policy).map_err(|source| KuboError::Unreachable {
            url: api.to_string(),
            source,
        })?;
        Ok(KuboClient { http, base, policy })
    }

    pub fn api_url(&self) -> &str {
        self.base.as_str()
    }

    pub async fn id(&self) -> Result<NodeIdentity, KuboError> {
        let body = self.call("id", &[], None).await?;
        json(&body, "id")
    }

    /// Adds `bytes` as a file with the options that reproduce our CIDs under `profile`, pins it,
    /// and checks the node's CID equals ours.
    pub async fn add(&self, bytes: &[u8], profile: ImportProfile) -> Result<Cid, KuboError> {
        let ours = file_cid(bytes, profile)
            .map_err(|error| KuboError::BadResponse {
                call: "add",
                reason: error.to_string(),
            })?
            .root;
        let chunker = format!("size-{}", profile.chunk_size());
        let query = [
            ("cid-version", "1"),
            ("raw-leaves", "true"),
            ("chunker", chunker.as_str()),
            ("hash", "sha2-256"),
            ("trickle", "false"),
            ("pin", "true"),
            ("cid-base", "base32"),
        ];
        let body = self
            .call("add", &query, Some(&|| file_form(bytes.to_vec())))
            .await?;
        // One JSON object per line; the file's entry is the last.
        #[derive(Deserialize)]
        struct Added {
            #[serde(rename = "Hash")]
            hash: String,
        }
        let last = String::from_utf8_lossy(&body)
            .lines()
            .rfind(|line| !line.trim().is_empty())
            .map(str::to_string)
            .ok_or_else(|| bad("add", "the answer is empty"))?;
        let added: Added = json(last.as_bytes(), "add")?;
        let theirs = parse_cid(&added.hash, "add")?;
        same_cid(ours, theirs)?;
        Ok(ours)
    }

    /// Publishes the DAG under `root` from `store` exactly as we built it (as a CAR, through
    /// `dag/import`), pinned on the node. This reproduces any profile's CIDs, also where the
    /// node's `add` options cannot.
    pub async fn publish(&self, store: &Blockstore, root: &Cid) -> Result<(), KuboError> {
        let mut car = Vec::new();
        export_car(store, root, &mut car)?;
        let body = self
            .call(
                "dag/import",
                &[("pin-roots", "true")],
                Some(&|| file_form(car.clone())),
            )
            .await?;
        #[derive(Deserialize)]
        struct Imported {
            #[serde(rename = "Root")]
            root: Option<ImportedRoot>,
        }
        #[derive(Deserialize)]
        struct ImportedRoot {
            #[serde(rename = "Cid")]
            cid: CidLink,
            #[serde(rename = "PinErrorMsg", default)]
            pin_error: String,
        }
        let mut confirmed = false;
        for line in String::from_utf8_lossy(&body).lines() {
            if line.trim().is_empty() {
                continue;
            }
            let Imported { root: Some(entry) } = json(line.as_bytes(), "dag/import")? else {
                continue;
            };
            let theirs = parse_cid(&entry.cid.link, "dag/import")?;
            if !entry.pin_error.is_empty() {
                return Err(KuboError::Node {
                    call: "dag/import",
                    status: 200,
                    message: format!("the node did not pin {theirs}: {}", entry.pin_error),
                });
            }
            same_cid(*root, theirs)?;
            confirmed = true;
        }
        if !confirmed {
            // Nodes that do not report roots: ask for the pin instead.
            self.pin_add(root).await?;
        }
        Ok(())
    }

    /// Stores one block on the node and checks the CID it reports.
    pub async fn block_put(&self, block: &Block) -> Result<(), KuboError> {
        let codec = match block.cid().codec() {
            RAW => "raw",
            DAG_PB => "dag-pb",
            codec => {
                return Err(BlockError::UnsupportedCodec {
                    cid: Box::new(block.cid()),
                    codec,
                }
                .into());
            }
        };
        // `cid-codec` is Kubo's name; `format` is the older one js-ipfs reads.
        let format = if codec == "dag-pb" { "dag-pb" } else { "raw" };
        let query = [
            ("cid-codec", codec),
            ("format", format),
            ("mhtype", "sha2-256"),
            ("version", "1"),
            ("cid-base", "base32"),
        ];
        let data = block.data().to_vec();
        let body = self
            .call("block/put", &query, Some(&|| file_form(data.clone())))
            .await?;
        #[derive(Deserialize)]
        struct Put {
            #[serde(rename = "Key")]
            key: String,
        }
        let put: Put = json(&body, "block/put")?;
        same_cid(block.cid(), parse_cid(&put.key, "block/put")?)
    }

    /// Reads one block from the node, verified against `cid`.
    pub async fn block_get(&self, cid: &Cid) -> Result<Block, KuboError> {
        let body = self
            .call("block/get", &[("arg", &cid.to_string())], None)
            .await?;
        Ok(Block::verified(*cid, body)?)
    }

    /// Reads the whole DAG under `root` from the node (`dag/export`) into `store`, verified block
    /// by block; a wrong block stops it before anything unverified is kept.
    pub async fn fetch_dag(&self, root: &Cid, store: &mut Blockstore) -> Result<u64, KuboError> {
        let body = self
            .call("dag/export", &[("arg", &root.to_string())], None)
            .await?;
        let imported = import_car(store, &body[..], None)?;
        // The export must hold the root's whole DAG: reading its blocks proves it.
        store.walk_blocks(root, |_| Ok(()))?;
        Ok(imported.blocks)
    }

    /// The file `cid` names, read with `cat` and accepted only if it hashes back to `cid` under
    /// `profile` (for DAGs built another way use [`KuboClient::fetch_dag`]).
    pub async fn cat(&self, cid: &Cid, profile: ImportProfile) -> Result<Vec<u8>, KuboError> {
        let body = self.call("cat", &[("arg", &cid.to_string())], None).await?;
        let actual = file_cid(&body[..], profile)
            .map_err(|error| bad("cat", &error.to_string()))?
            .root;
        same_cid(*cid, actual)?;
        Ok(body)
    }

    /// Pins `cid` recursively on the node.
    pub async fn pin_add(&self, cid: &Cid) -> Result<(), KuboError> {
        self.change_pin("pin/add", cid).await
    }

    /// Removes the recursive pin on `cid`.
    pub async fn pin_rm(&self, cid: &Cid) -> Result<(), KuboError> {
        self.change_pin("pin/rm", cid).await
    }

    /// `pin/add` or `pin/rm`, checking that the answer names `cid`.
    async fn change_pin(&self, call: &'static str, cid: &Cid) -> Result<(), KuboError> {
        let arg = cid.to_string();
        let body = self
            .call(call, &[("arg", &arg), ("recursive", "true")], None)
            .await?;
        let pins: Pins = json(&body, call)?;
        expect_pinned(cid, &pins.pins, call)
    }

    /// The node's recursive pins.
    pub async fn pin_ls(&self) -> Result<Vec<Cid>, KuboError> {
        // No `cid-base` here: a node's own CIDv0 pins cannot be written in base32.
        let body = self.call("pin/ls", &[("type", "recursive")], None).await?;
        let mut cids = listed_pins(&body)?;
        cids.sort_by_key(Cid::to_string);
        Ok(cids)
    }

    /// Whether the node pins `cid` recursively.
    pub async fn is_pinned(&self, cid: &Cid) -> Result<bool, KuboError> {
        let arg = cid.to_string();
        let query = [("arg", arg.as_str()), ("type", "recursive")];
        match self.call("pin/ls", &query, None).await {
            Ok(body) => {
                let wanted = v1(*cid);
                Ok(listed_pins(&body)?.into_iter().any(|pin| v1(pin) == wanted))
            }
            Err(KuboError::Node { message, .. }) if message.contains("not pinned") => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// One RPC call, with retries for transient failures. `form` builds the upload body afresh
    /// for each try.
    async fn call(
        &self,
        path: &'static str,
        query: &[(&str, &str)],
        form: Option<&dyn Fn() -> Form>,
    ) -> Result<Vec<u8>, KuboError> {
        let url = self
            .base
            .join(path)
            .map_err(|_| KuboError::BadUrl(self.base.to_string()))?;
        http::with_retries(&self.policy, || {
            let mut request = self.http.post(url.clone()).query(query);
            if let Some(form) = form {
                request = request.multipart(form());
            }
            async move {
                let response = match request.send().await {
                    Ok(response) => response,
                    Err(source) => {
                        let error = KuboError::Unreachable {
                            url: self.base.to_string(),
                            source,
                        };
                        return match &error {
                            KuboError::Unreachable { source, .. } if http::is_transient(source) => {
                                Attempt::Retry(error)
                            }
                            _ => Attempt::Done(Err(error)),
                        };
                    }
                };
                let status = response.status();
                let body = match response.bytes().await {
                    Ok(body) => body.to_vec(),
                    Err(source) => {
                        return Attempt::Retry(KuboError::Unreachable {
                            url: self.base.to_string(),
                            source,
                        });
                    }
                };
                if status.is_success() {
                    return Attempt::Done(Ok(body));
                }
                let error = KuboError::Node {
                    call: path,
                    status: status.as_u16(),
                    message: error_message(&body),
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

/// The CIDs of a `pin/ls` answer: one `{"Keys": {cid: …}}` object (Kubo), or one `{"Cid": …}`
/// object per line (js-ipfs when streaming).
fn listed_pins(body: &[u8]) -> Result<Vec<Cid>, KuboError> {
    #[derive(Deserialize)]
    struct Listed {
        #[serde(rename = "Keys", default)]
        keys: HashMap<String, serde_json::Value>,
        #[serde(rename = "Cid")]
        cid: Option<String>,
    }
    let mut cids = Vec::new();
    for line in String::from_utf8_lossy(body).lines() {
        if line.trim().is_empty() {
            continue;
        }
        let listed: Listed = json(line.as_bytes(), "pin/ls")?;
        for cid in listed.keys.keys().chain(listed.cid.as_ref()) {
            cids.push(parse_cid(cid, "pin/ls")?);
        }
    }
    Ok(cids)
}

#[derive(Deserialize)]
struct Pins {
    #[serde(rename = "Pins", default)]
    pins: Vec<String>,
}

#[derive(Deserialize)]
struct CidLink {
    #[serde(rename = "/")]
    link: String,
}

/// The upload body of `add`, `block/put` and `dag/import`. js-ipfs needs each part's type.
fn file_form(bytes: Vec<u8>) -> Form {
    let part = Part::bytes(bytes).file_name("file");
    let part = part
        .mime_str("application/octet-stream")
        .expect("a constant, valid MIME type");
    Form::new().part("file", part)
}

/// The `Message` of a Kubo error object, or the body as text.
fn error_message(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct NodeError {
        #[serde(rename = "Message")]
        message: String,
    }
    serde_json::from_slice::<NodeError>(body)
        .map(|error| error.message)
        .unwrap_or_else(|_| {
            let text = String::from_utf8_lossy(body);
            text.chars()
                .take(300)
                .collect::<String>()
                .trim()
                .to_string()
        })
}

fn json<T: for<'de> Deserialize<'de>>(body: &[u8], call: &'static str) -> Result<T, KuboError> {
    serde_json::from_slice(body).map_err(|error| bad(call, &error.to_string()))
}

fn bad(call: &'static str, reason: &str) -> KuboError {
    KuboError::BadResponse {
        call,
        reason: reason.to_string(),
    }
}

fn parse_cid(text: &str, call: &'static str) -> Result<Cid, KuboError> {
    text.parse()
        .map_err(|error| bad(call, &format!("{text:?} is not a CID: {error}")))
}

/// A CID in its v1 form, so a node answering in v0 still compares equal.
fn v1(cid: Cid) -> Cid {
    cid.into_v1().unwrap_or(cid)
}

fn same_cid(ours: Cid, theirs: Cid) -> Result<(), KuboError> {
    if v1(ours) == v1(theirs) {
        Ok(())
    } else {
        Err(KuboError::CidMismatch {
            ours: Box::new(ours),
            theirs: Box::new(theirs),
        })
    }
}

fn expect_pinned(cid: &Cid, pins: &[String], call: &'static str) -> Result<(), KuboError> {
    for pin in pins {
        if v1(parse_cid(pin, call)?) == v1(*cid) {
            return Ok(());
        }
    }
    Err(bad(call, &format!("the answer does not list {cid}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_path_is_added_once() {
        for given in [
            "http://127.0.0.1:5001",
            "http://127.0.0.1:5001/",
            "http://127.0.0.1:5001/api/v0",
            "http://127.0.0.1:5001/api/v0/",
        ] {
            assert_eq!(
                KuboClient::new(given).unwrap().api_url(),
                "http://127.0.0.1:5001/api/v0/"
            );
        }
        assert_eq!(
            KuboClient::new("https://ipfs.example/rpc")
                .unwrap()
                .api_url(),
            "https://ipfs.example/rpc/api/v0/"
        );
    }

    #[test]
    fn addresses_that_are_not_http_are_refused() {
        for given in ["", "127.0.0.1:5001", "/ip4/127.0.0.1/tcp/5001", "ftp://x"] {
            assert!(
                matches!(KuboClient::new(given), Err(KuboError::BadUrl(_))),
                "{given}"
            );
        }
    }

    #[test]
    fn node_errors_read_the_message_field() {
        assert_eq!(
            error_message(
                br#"{"Message":"not pinned or pinned indirectly","Code":0,"Type":"error"}"#
            ),
            "not pinned or pinned indirectly"
        );
        assert_eq!(error_message(b"404 page not found\n"), "404 page not found");
    }

    #[test]
    fn pin_lists_are_read_in_both_shapes() {
        let kubo = br#"{"Keys":{"bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am":{"Type":"recursive"}}}"#;
        assert_eq!(listed_pins(kubo).unwrap().len(), 1);
        let streamed = b"{\"Cid\":\"QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn\",\"Type\":\"recursive\"}\n{\"Cid\":\"bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am\",\"Type\":\"recursive\"}\n";
        assert_eq!(listed_pins(streamed).unwrap().len(), 2);
        assert!(matches!(
            listed_pins(br#"{"Keys":{"not-a-cid":{}}}"#),
            Err(KuboError::BadResponse { call: "pin/ls", .. })
        ));
    }

    #[test]
    fn a_v0_answer_for_our_v1_cid_is_the_same_cid() {
        let v0: Cid = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
            .parse()
            .unwrap();
        assert!(same_cid(v1(v0), v0).is_ok());
        let raw = crate::raw_cid(b"x");
        assert!(matches!(
            same_cid(raw, v0),
            Err(KuboError::CidMismatch { .. })
        ));
    }
}
