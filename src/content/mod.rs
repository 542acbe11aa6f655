//! `ipfs://` as a Bevy asset source: `asset_server.load("ipfs://<cid>")` reads the file from the
//! local blockstore, or first fetches its blocks from the configured gateways into the
//! blockstore, each block checked against its CID (a gateway cannot slip in other bytes).
//! A file larger than kiln-asset's limit for a GLB is refused as it is read, before any
//! loader decodes it.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy::asset::io::{AssetReader, AssetReaderError, AssetSourceBuilder, PathStream, VecReader};
use kiln_asset::Limits;
use kiln_ipfs::{Blockstore, Cid, GatewayClient, StoreError};

/// Where `ipfs://` files come from.
#[derive(Clone)]
pub struct IpfsSource {
    /// The data directory's blockstore file: read first, and where fetched blocks go.
    pub blockstore: PathBuf,
    /// Gateways for what the blockstore lacks; `None`: the blockstore only.
    pub gateways: Option<Arc<GatewayClient>>,
    /// Runs the gateway requests (reqwest needs a tokio runtime; Bevy's tasks are not one). In
    /// a browser they run on the page's event loop.
    #[cfg(not(target_arch = "wasm32"))]
    pub runtime: Option<tokio::runtime::Handle>,
    /// Files above `limits.glb_bytes` are refused.
    pub limits: Limits,
}

/// The asset source id: `ipfs://…` paths.
pub const SOURCE: &str = "ipfs";

impl IpfsSource {
    /// The blockstore only.
    pub fn local(blockstore: PathBuf) -> Self {
        Self {
            blockstore,
            gateways: None,
            #[cfg(not(target_arch = "wasm32"))]
            runtime: None,
            limits: Limits::default(),
        }
    }

    /// The blockstore, then `gateways` (when there are any), fetched by the page.
    #[cfg(target_arch = "wasm32")]
    pub fn with_gateways(blockstore: PathBuf, gateways: Option<Arc<GatewayClient>>) -> Self {
        Self {
            gateways,
            ..Self::local(blockstore)
        }
    }

    /// The blockstore, then `gateways` (when there are any) on a runtime of their own.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_gateways(blockstore: PathBuf, gateways: Option<Arc<GatewayClient>>) -> Self {
        let runtime = gateways.as_ref().and_then(|_| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| eprintln!("kiln: the IPFS gateways cannot be used: {error}"))
                .ok()?;
            let handle = runtime.handle().clone();
            // A thread of its own drives the runtime, so requests spawned on it run.
            std::thread::Builder::new()
                .name("kiln-ipfs".into())
                .spawn(move || runtime.block_on(std::future::pending::<()>()))
                .map_err(|error| eprintln!("kiln: the IPFS gateways cannot be used: {error}"))
                .ok()?;
            Some(handle)
        });
        Self {
            gateways: gateways.filter(|_| runtime.is_some()),
            runtime,
            ..Self::local(blockstore)
        }
    }

    /// The asset source to register with `App::register_asset_source(SOURCE, …)` before
    /// `AssetPlugin`.
    pub fn builder(self) -> AssetSourceBuilder {
        AssetSourceBuilder::new(move || Box::new(self.clone()))
    }

    /// The whole file `cid`, fetched from the gateways first if the blockstore lacks blocks.
    pub async fn read_file(&self, cid: Cid) -> Result<Vec<u8>, String> {
        match self.read_local(&cid) {
            Err(StoreError::Missing { .. }) => {}
            other => return other.map_err(|error| error.to_string()),
        }
        let Some(gateways) = &self.gateways else {
            return Err(format!(
                "{cid} is not in the local blockstore and no IPFS gateway is configured: add gateways in the settings"
            ));
        };
        let (done, fetched) = tokio::sync::oneshot::channel();
        let gateways = Arc::clone(gateways);
        let path = self.blockstore.clone();
        let fetch = async move {
            let outcome = match Blockstore::open(&path) {
                Ok(mut store) => gateways
                    .fetch_dag(&cid, &mut store, &mut |_| {})
                    .await
                    .map(|_| ())
                    .map_err(|error| error.to_string()),
                Err(error) => Err(error.to_string()),
            };
            let _ = done.send(outcome);
        };
        #[cfg(not(target_arch = "wasm32"))]
        match &self.runtime {
            Some(runtime) => drop(runtime.spawn(fetch)),
            None => return Err("the IPFS gateways have no runtime to run on".to_owned()),
        }
        #[cfg(target_arch = "wasm32")]
        wasm_bindgen_futures::spawn_local(fetch);
        fetched
            .await
            .map_err(|_| "the gateway fetch stopped".to_owned())??;
        #[cfg(target_arch = "wasm32")]
        crate::web::storage::keep_database(&self.blockstore);
        self.read_local(&cid).map_err(|error| error.to_string())
    }

    fn read_local(&self, cid: &Cid) -> Result<Vec<u8>, StoreError> {
        let store = Blockstore::open(&self.blockstore)?;
        let mut bytes = LimitedBuffer {
            bytes: Vec::new(),
            limit: self.limits.glb_bytes,
        };
        store.read_file(cid, &mut bytes)?;
        Ok(bytes.bytes)
    }
}

/// A buffer that refuses to grow past `limit` bytes, so an oversized file stops being read
/// as soon as it is too large.
struct LimitedBuffer {
    bytes: Vec<u8>,
    limit: usize,
}

impl io::Write for LimitedBuffer {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + data.len() > self.limit {
            return Err(io::Error::other(format!(
                "the file is larger than {} bytes, the most Kiln reads for an item",
                self.limit
            )));
        }
        self.bytes.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn failed(error: String) -> AssetReaderError {
    AssetReaderError::Io(Arc::new(io::Error::other(error)))
}

impl AssetReader for IpfsSource {
    async fn read<'a>(&'a self, path: &'a Path) -> Result<VecReader, AssetReaderError> {
        let cid: Cid = path
            .to_str()
            .and_then(|text| text.trim_matches('/').parse().ok())
            .ok_or_else(|| failed(format!("{} is not a CID", path.display())))?;
        Ok(VecReader::new(self.read_file(cid).await.map_err(failed)?))
    }

    async fn read_meta<'a>(&'a self, path: &'a Path) -> Result<VecReader, AssetReaderError> {
        // IPFS files carry no Bevy meta files: the loaders' defaults apply.
        Err(AssetReaderError::NotFound(path.to_owned()))
    }

    async fn read_directory<'a>(
        &'a self,
        path: &'a Path,
    ) -> Result<Box<PathStream>, AssetReaderError> {
        Err(AssetReaderError::NotFound(path.to_owned()))
    }

    async fn is_directory<'a>(&'a self, _path: &'a Path) -> Result<bool, AssetReaderError> {
        Ok(false)
    }
}
