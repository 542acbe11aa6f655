//! The model, on a thread of its own so that a generation never stalls a frame (in a browser, a
//! task on the page's event loop; its weights arrive after the first frame): the world asks
//! for a prompt and seed, and hears back the object (or why there is none) a moment later.
//! Preview requests that pile up while one runs are skipped but the newest (a creator typing
//! fast gets the object of what they typed last); a request with its own answer channel
//! (verification, through [`RemoteGenerator`]) is always answered. In a browser, verification
//! cannot wait for another task (the tab has one thread), so it runs a CPU copy of the model
//! where it is ([`kiln_mint::CpuModel`]).

use std::time::Duration;

use web_time::Instant;

use bevy::prelude::*;
use burn::backend::wgpu::WgpuDevice;
use burn::backend::{NdArray, Wgpu};
use burn::tensor::backend::Backend;
use crossbeam_channel::{Receiver, Sender};
use kiln_gen::{GenerateOptions, Generated, Generator, Weights};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// A generation asked for.
pub struct Request {
    pub id: u64,
    pub prompt: String,
    pub seed: u64,
    /// The triangle budget and shading asked for.
    pub options: GenerateOptions,
    /// Where to answer; `None`: a preview, answered on the worker's replies.
    pub answer: Option<Sender<Result<Generated, String>>>,
}

/// The weights file the model runs, as new items publish it: its bytes (stored in the
/// blockstore when an item is minted) and their CID under the recipes' block profile (named in
/// the item's metadata), so that anyone can fetch the weights and re-run the item.
#[derive(Clone)]
pub struct WeightsFile {
    pub sha256: String,
    pub cid: String,
    pub bytes: std::sync::Arc<[u8]>,
}

impl WeightsFile {
    /// The file `weights` were read from (their sha256 is the file's).
    fn of(weights: &Weights, bytes: Vec<u8>) -> Result<Self, String> {
        let cid = kiln_mint::weights_cid(&bytes, kiln_mint::Recipe::DEFAULT_PROFILE)
            .map_err(|error| error.to_string())?;
        Ok(Self {
            sha256: weights.sha256.clone(),
            cid: cid.to_string(),
            bytes: bytes.into(),
        })
    }
}

/// Names the file; its bytes are megabytes.
impl std::fmt::Debug for WeightsFile {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(out, "WeightsFile(sha256 {}, {})", self.sha256, self.cid)
    }
}

impl PartialEq for WeightsFile {
    fn eq(&self, other: &Self) -> bool {
        self.sha256 == other.sha256
    }
}

/// What the model thread says.
pub enum Reply {
    /// The weights are loaded.
    Ready {
        weights: WeightsFile,
        backend: &'static str,
    },
    /// The model cannot run here (no weights, damaged weights).
    Unavailable(String),
    Generated {
        id: u64,
        generated: Box<Generated>,
        took: Duration,
    },
    Failed {
        id: u64,
        error: String,
    },
}

/// The world's line to the model thread.
#[derive(Resource)]
pub struct ModelWorker {
    requests: UnboundedSender<Request>,
    pub replies: Receiver<Reply>,
    /// The model on the CPU for verification, once the weights are in.
    #[cfg(target_arch = "wasm32")]
    verifier: std::sync::Arc<std::sync::OnceLock<kiln_mint::CpuModel>>,
}

/// Verification asked for before the weights are in (the page waits for nothing).
#[cfg(target_arch = "wasm32")]
struct ModelLoading(String);

#[cfg(target_arch = "wasm32")]
impl kiln_mint::Generate for ModelLoading {
    fn weights_sha256(&self) -> String {
        self.0.clone()
    }

    fn generate(
        &self,
        _prompt: &str,
        _seed: u64,
        _options: &GenerateOptions,
    ) -> Result<Generated, String> {
        Err("the model is still loading in this tab: verify again in a moment".into())
    }
}

/// The model thread as kiln-mint's [`kiln_mint::Generate`], for verification on another
/// thread: each generation waits for the model's answer.
#[cfg(not(target_arch = "wasm32"))]
pub struct RemoteGenerator {
    requests: UnboundedSender<Request>,
    weights_sha256: String,
}

#[cfg(not(target_arch = "wasm32"))]
impl kiln_mint::Generate for RemoteGenerator {
    fn weights_sha256(&self) -> String {
        self.weights_sha256.clone()
    }

    fn generate(
        &self,
        prompt: &str,
        seed: u64,
        options: &GenerateOptions,
    ) -> Result<Generated, String> {
        let (answer, answered) = crossbeam_channel::bounded(1);
        self.requests
            .send(Request {
                id: 0,
                prompt: prompt.to_owned(),
                seed,
                options: *options,
                answer: Some(answer),
            })
            .map_err(|_| "the model has stopped".to_owned())?;
        answered
            .recv()
            .map_err(|_| "the model has stopped".to_owned())?
    }

    fn with_weights(&self, sha256: &str) -> Option<Box<dyn kiln_mint::Generate + '_>> {
        // Earlier weights Kiln keeps (models/ and its subfolders), on the CPU.
        let weights = Weights::read(&kiln_gen::find_weights(sha256, &[])?).ok()?;
        Some(Box::new(kiln_mint::CpuModel::new(&weights).ok()?))
    }
}

impl ModelWorker {
    /// Starts the thread on `device`; the weights load there, off the first frames.
    pub fn start(device: ModelDevice) -> Self {
        let (requests, request_in) = tokio::sync::mpsc::unbounded_channel();
        let (reply_out, replies) = crossbeam_channel::unbounded();
        #[cfg(target_arch = "wasm32")]
        let verifier = std::sync::Arc::new(std::sync::OnceLock::new());
        #[cfg(target_arch = "wasm32")]
        let verifier_slot = verifier.clone();
        crate::platform::spawn("kiln-gen", move || async move {
            let (weights, file) = match read_weights().await {
                Ok(read) => read,
                Err(error) => {
                    let _ = reply_out.send(Reply::Unavailable(error));
                    return;
                }
            };
            #[cfg(target_arch = "wasm32")]
            match kiln_mint::CpuModel::new(&weights) {
                Ok(cpu) => {
                    let _ = verifier_slot.set(cpu);
                }
                Err(error) => warn!("verification cannot run in this tab: {error}"),
            }
            run_model(device, &weights, file, request_in, &reply_out).await;
        });
        Self {
            requests,
            replies,
            #[cfg(target_arch = "wasm32")]
            verifier,
        }
    }

    pub fn request(&self, request: Request) {
        let _ = self.requests.send(request);
    }

    /// The model for verification, running `weights_sha256`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn verifier(&self, weights_sha256: &str) -> Box<dyn kiln_mint::Generate + Send> {
        Box::new(RemoteGenerator {
            requests: self.requests.clone(),
            weights_sha256: weights_sha256.to_owned(),
        })
    }

    /// The model for verification: its CPU copy in this tab (`weights_sha256` is the one it
    /// loaded), or, while the weights are still coming, one that says so.
    #[cfg(target_arch = "wasm32")]
    pub fn verifier(&self, weights_sha256: &str) -> Box<dyn kiln_mint::Generate + Send> {
        match self.verifier.get() {
            Some(verifier) => Box::new(verifier.clone()),
            None => Box::new(ModelLoading(weights_sha256.to_owned())),
        }
    }
}

/// Where the model runs.
pub enum ModelDevice {
    /// burn's NdArray backend on the CPU.
    Cpu,
    /// burn's Wgpu backend on the device Bevy renders with (one GPU context, not two).
    SharedGpu(WgpuDevice),
}

/// The shipped weights and their file: from `models/` on the desktop, downloaded by the page in
/// a browser (its cache keeps them for the next visit).
async fn read_weights() -> Result<(Weights, WeightsFile), String> {
    #[cfg(not(target_arch = "wasm32"))]
    let (name, bytes) = {
        let path = kiln_gen::shipped_weights_path().ok_or_else(|| {
            format!(
                "no model weights at models/{} (here, beside Kiln, or in {})",
                kiln_gen::SHIPPED_WEIGHTS,
                kiln_gen::source_models().display()
            )
        })?;
        let bytes = std::fs::read(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        (path.display().to_string(), bytes)
    };
    #[cfg(target_arch = "wasm32")]
    let (name, bytes) = {
        let url = format!("models/{}", kiln_gen::SHIPPED_WEIGHTS);
        let bytes = crate::web::fetch_cached(&url).await?;
        (url, bytes)
    };
    let weights = Weights::from_bytes(&bytes).map_err(|error| format!("{name}: {error}"))?;
    let file = WeightsFile::of(&weights, bytes)?;
    Ok((weights, file))
}

async fn run_model(
    device: ModelDevice,
    weights: &Weights,
    file: WeightsFile,
    mut requests: UnboundedReceiver<Request>,
    replies: &Sender<Reply>,
) {
    match device {
        ModelDevice::SharedGpu(device) => match Generator::<Wgpu>::new(weights, device) {
            Ok(generator) => {
                serve(
                    &generator,
                    file,
                    "GPU (wgpu, the renderer's device)",
                    &mut requests,
                    replies,
                )
                .await;
            }
            Err(error) => {
                let _ = replies.send(Reply::Unavailable(error.to_string()));
            }
        },
        ModelDevice::Cpu => match Generator::<NdArray>::new(weights, Default::default()) {
            Ok(generator) => {
                serve(&generator, file, "CPU (NdArray)", &mut requests, replies).await;
            }
            Err(error) => {
                let _ = replies.send(Reply::Unavailable(error.to_string()));
            }
        },
    }
}

/// One generation: on the desktop the model's thread waits for the device; in a browser the
/// page's event loop must go on while WebGPU works, so the device's answers are awaited.
async fn generate<B: Backend>(
    generator: &Generator<B>,
    prompt: &str,
    seed: u64,
    options: &GenerateOptions,
) -> Result<Generated, kiln_gen::GenerateError> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        generator.generate(prompt, seed, options)
    }
    #[cfg(target_arch = "wasm32")]
    {
        generator.generate_async(prompt, seed, options).await
    }
}

async fn serve<B: Backend>(
    generator: &Generator<B>,
    weights: WeightsFile,
    backend: &'static str,
    requests: &mut UnboundedReceiver<Request>,
    replies: &Sender<Reply>,
) {
    // One generation before the first request: a GPU compiles its kernels on first use (31 s
    // on lavapipe), and the creator's first object should not wait for that.
    let _ = generate(
        generator,
        "a small grey rock",
        0,
        &GenerateOptions::default(),
    )
    .await;
    let _ = replies.send(Reply::Ready { weights, backend });
    while let Some(first) = requests.recv().await {
        let mut batch = vec![first];
        while let Ok(next) = requests.try_recv() {
            batch.push(next);
        }
        let newest_preview = batch.iter().rposition(|request| request.answer.is_none());
        for (index, request) in batch.into_iter().enumerate() {
            if request.answer.is_none() && Some(index) != newest_preview {
                continue; // a preview superseded by a newer one
            }
            let started = Instant::now();
            let generated = generate(generator, &request.prompt, request.seed, &request.options)
                .await
                .map_err(|error| error.to_string());
            if let Some(answer) = request.answer {
                let _ = answer.send(generated);
                continue;
            }
            let reply = match generated {
                Ok(generated) => Reply::Generated {
                    id: request.id,
                    generated: Box::new(generated),
                    took: started.elapsed(),
                },
                Err(error) => Reply::Failed {
                    id: request.id,
                    error,
                },
            };
            if replies.send(reply).is_err() {
                return;
            }
        }
    }
}
