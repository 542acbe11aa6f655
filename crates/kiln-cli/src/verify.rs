//! `kiln-cli verify TOKEN`: checks a token from the chain alone — its record, its metadata and
//! GLB fetched by CID, and the generator run again with the recorded prompt, seed and weights.

use anyhow::bail;
use kiln_chain::TokenId;
use kiln_gen::GenerateOptions;
use kiln_mint::{Content, Generate, verify};

use crate::chain::{Access, NetworkArgs, connect, on_chain};
use crate::data_dir::DataDir;
use crate::generate::{ModelArgs, generate_item};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The token id: 64 hex digits (as `kiln-cli mint` prints it), or the decimal id explorers show.
    id: TokenId,
    #[command(flatten)]
    network: NetworkArgs,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    gateways: crate::fetch::GatewayArgs,
    /// Use only the local blockstore, no gateway.
    #[arg(long)]
    offline: bool,
}

/// The generator this Kiln has, as verification runs it; and, for an item made with other
/// weights that Kiln keeps (models/ and its subfolders, `--weights-dir`), the generator of
/// those.
pub struct LocalGenerator {
    model: ModelArgs,
    weights_sha256: String,
}

impl LocalGenerator {
    pub fn new(model: &ModelArgs) -> anyhow::Result<Self> {
        Ok(Self {
            weights_sha256: model.weights()?.sha256,
            model: model.clone(),
        })
    }
}

impl Generate for LocalGenerator {
    fn weights_sha256(&self) -> String {
        self.weights_sha256.clone()
    }

    fn generate(
        &self,
        prompt: &str,
        seed: u64,
        options: &GenerateOptions,
    ) -> Result<kiln_gen::Generated, String> {
        generate_item(prompt, seed, &self.model, options)
            .map(|item| item.generated)
            .map_err(|error| format!("{error:#}"))
    }

    fn with_weights(&self, sha256: &str) -> Option<Box<dyn Generate + '_>> {
        let path = kiln_gen::find_weights(sha256, &self.model.weights_dirs)?;
        let model = ModelArgs {
            weights: Some(path),
            ..self.model.clone()
        };
        Some(Box::new(LocalGenerator {
            model,
            weights_sha256: sha256.to_owned(),
        }))
    }
}

pub fn run(args: &VerifyArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let generator = LocalGenerator::new(&args.model)?;
    let client = args.gateways.client()?;
    let mut store = data_dir.blockstore()?;
    let runtime = crate::runtime()?;
    let verification = runtime.block_on(async {
        let connected = connect(&args.network, data_dir, Access::Read).await?;
        let mut content = Content {
            store: &mut store,
            gateways: (!args.offline).then_some(&client),
        };
        let spinner = crate::progress::spinner("verifying");
        let verification = on_chain!(&connected, |chain| verify(
            args.id,
            chain,
            &mut content,
            &generator
        )
        .await);
        spinner.finish_and_clear();
        anyhow::Ok(verification)
    })?;
    output::print(json, &verification, |out| {
        for check in &verification.checks {
            let mark = if check.ok { "✓" } else { "✗" };
            writeln!(out, "{mark} {:<24} {}", check.name, check.detail)?;
        }
        Ok(())
    })?;
    if !verification.ok {
        bail!("token {} did not verify (see the ✗ above)", args.id);
    }
    Ok(())
}
