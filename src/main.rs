//! The `piaudit` command line: parse arguments, call the library, map results to exit codes.
//!
//! Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage or rule-file error (and
//! `inspect` on an unreadable input), 3 some inputs could not be read.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use piaudit::analyze::{self, Context, Options};

#[derive(Parser)]
#[command(
    name = "piaudit",
    version,
    about = "Audits Android apps for personal-information compliance under Chinese law"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode one app and print its AppFacts as JSON.
    Inspect {
        /// An APK, a split bundle (.apks/.xapk/.apkm), a directory of splits, or a DEX/JAR.
        input: PathBuf,
        /// Print the decoded AndroidManifest.xml instead of the facts.
        #[arg(long)]
        xml: bool,
        /// Include every string resource in the facts (large).
        #[arg(long)]
        strings: bool,
        /// One-line JSON instead of pretty-printed.
        #[arg(long)]
        compact: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("piaudit: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Inspect {
            input,
            xml,
            strings,
            compact,
        } => {
            let opts = Options {
                keep_strings: strings,
                ..Options::default()
            };
            let ctx = Context::default();
            let extraction = analyze::analyze_path(&input, &ctx, &opts)
                .with_context(|| format!("{}", input.display()))?;
            if xml {
                match extraction.manifest_xml {
                    Some(text) => print!("{text}"),
                    None => anyhow::bail!("{}: the manifest could not be decoded", input.display()),
                }
            } else {
                let mut facts = extraction.facts;
                if !strings {
                    facts.strings.clear();
                }
                let out = if compact {
                    serde_json::to_string(&facts)?
                } else {
                    serde_json::to_string_pretty(&facts)?
                };
                println!("{out}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
