//! The model, on a thread of its own so that a generation never stalls a frame: the world asks
//! for a prompt and seed, and hears back the object (or why there is none) a moment later.
//! Preview requests that pile up while one runs are skipped but the newest (a creator typing
//! fast gets the object of what they typed last); a request with its own answer channel
//! (verification, through [`RemoteGenerator`]) is always answered.

use std::time::{Duration, Instant};

use bevy::prelude::*;
use burn::backend::wgpu::WgpuDevice;
use burn::backend::{NdArray, Wgpu};
use burn::tensor::backend::Backend;
use crossbeam_channel::{Receiver, Sender};
use kiln_gen::{GenerateOptions, Generated, Generator, Weights};

/// A generation asked for.
pub struct Request {
    pub id: u64,
    pub prompt: String,
    pub seed: u64,
    /// Where to answer; `None`: a preview, answered on the worker's replies.
    pub answer: Option<Sender<Result<Generated, String>>>,
}

/// What the model thread says.
pub enum Reply {
    /// The weights are loaded.
    Ready {
        weights_sha256: String,
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
    requests: Sender<Request>,
    pub replies: Receiver<Reply>,
}

/// The model thread as kiln-mint's [`kiln_mint::Generate`], for verification on another
/// thread: each generation waits for the model's answer.
pub struct RemoteGenerator {
    requests: Sender<Request>,
    weights_sha256: String,
}

impl kiln_mint::Generate for RemoteGenerator {
    fn weights_sha256(&self) -> String {
        self.weights_sha256.clone()
    }

    fn generate(&self, prompt: &str, seed: u64) -> Result<Generated, String> {
        let (answer, answered) = crossbeam_channel::bounded(1);
        self.requests
            .send(Request {
                id: 0,
                prompt: prompt.to_owned(),
                seed,
                answer: Some(answer),
            })
            .map_err(|_| "the model has stopped".to_owned())?;
        answered
            .recv()
            .map_err(|_| "the model has stopped".to_owned())?
    }
}

impl ModelWorker {
    /// Starts the thread on `device`; the weights load there, off the first frames.
    pub fn start(device: ModelDevice) -> Self {
        let (requests, request_in) = crossbeam_channel::unbounded();
        let (reply_out, replies) = crossbeam_channel::unbounded();
        let spawned = std::thread::Builder::new()
            .name("kiln-gen".into())
            .spawn(move || run_model(device, &request_in, &reply_out));
        if let Err(error) = spawned {
            error!("the model thread could not start: {error}");
        }
        Self { requests, replies }
    }

    pub fn request(&self, request: Request) {
        let _ = self.requests.send(request);
    }

    /// The model for verification, running `weights_sha256`.
    pub fn remote(&self, weights_sha256: &str) -> RemoteGenerator {
        RemoteGenerator {
            requests: self.requests.clone(),
            weights_sha256: weights_sha256.to_owned(),
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

fn run_model(device: ModelDevice, requests: &Receiver<Request>, replies: &Sender<Reply>) {
    let weights = kiln_gen::shipped_weights_path()
        .ok_or_else(|| {
            format!(
                "no model weights at models/{} (here, beside Kiln, or in {})",
                kiln_gen::SHIPPED_WEIGHTS,
                kiln_gen::source_models().display()
            )
        })
        .and_then(|path| Weights::read(&path).map_err(|error| error.to_string()));
    let weights = match weights {
        Ok(weights) => weights,
        Err(error) => {
            let _ = replies.send(Reply::Unavailable(error));
            return;
        }
    };
    match device {
        ModelDevice::SharedGpu(device) => match Generator::<Wgpu>::new(&weights, device) {
            Ok(generator) => serve(
                &generator,
                "GPU (wgpu, the renderer's device)",
                requests,
                replies,
            ),
            Err(error) => {
                let _ = replies.send(Reply::Unavailable(error.to_string()));
            }
        },
        ModelDevice::Cpu => match Generator::<NdArray>::new(&weights, Default::default()) {
            Ok(generator) => serve(&generator, "CPU (NdArray)", requests, replies),
            Err(error) => {
                let _ = replies.send(Reply::Unavailable(error.to_string()));
            }
        },
    }
}

fn serve<B: Backend>(
    generator: &Generator<B>,
    backend: &'static str,
    requests: &Receiver<Request>,
    replies: &Sender<Reply>,
) {
    // One generation before the first request: a GPU compiles its kernels on first use (31 s
    // on lavapipe), and the creator's first object should not wait for that.
    let _ = generator.generate("a small grey rock", 0, &GenerateOptions::default());
    let _ = replies.send(Reply::Ready {
        weights_sha256: generator.weights_sha256().to_owned(),
        backend,
    });
    while let Ok(first) = requests.recv() {
        let batch: Vec<Request> = std::iter::once(first).chain(requests.try_iter()).collect();
        let newest_preview = batch.iter().rposition(|request| request.answer.is_none());
        for (index, request) in batch.into_iter().enumerate() {
            if request.answer.is_none() && Some(index) != newest_preview {
                continue; // a preview superseded by a newer one
            }
            let started = Instant::now();
            let generated = generator
                .generate(&request.prompt, request.seed, &GenerateOptions::default())
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
