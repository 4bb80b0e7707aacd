//! The `piaudit` command line: parse arguments, call the library, map results to exit codes.
//!
//! Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage or rule-file error (and
//! `inspect` on an unreadable input), 3 some inputs could not be read.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand, ValueEnum};

use piaudit::analyze::Options;
use piaudit::auditor::{Auditor, Config};
use piaudit::batch;
use piaudit::report::{self, AppRecord, RunInfo};
use piaudit_rules::{Lang, RuleSet, Severity};

#[derive(Parser)]
#[command(name = "piaudit", version, about = "Audits Android apps for personal-information compliance under Chinese law")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Jsonl,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Scan apps and report findings with their legal basis.
    Scan {
        /// APKs, split bundles (.apks/.xapk/.apkm), or directories to walk.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format (default: text).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write the report to this file instead of standard output.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// The app type (one of the 39 of the 2021 provisions; `piaudit rules types`) of every input.
        #[arg(long, conflicts_with = "categories")]
        category: Option<String>,
        /// A CSV file with header `package,category` giving each app's type.
        #[arg(long)]
        categories: Option<PathBuf>,
        /// A rules directory: its rules are added to the built-in ones (same id replaces).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Exit 1 when a finding reaches this severity.
        #[arg(long, value_enum)]
        fail_on: Option<SeverityArg>,
        /// Report language (default: from LANG/LC_ALL; zh when it starts with zh).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Parallel jobs (default: the number of cores).
        #[arg(long)]
        jobs: Option<usize>,
    },
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
        /// The app type, to fill permissions[].necessity.
        #[arg(long)]
        category: Option<String>,
        /// A rules directory (its data tables replace the built-in ones).
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// The rule catalogue.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List the rules in effect.
    List {
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Explain a rule: what it checks, why (with the legal basis), an example, how to fix.
    Show {
        id: String,
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Validate a rules directory: every problem with file:line.
    Check { dir: PathBuf },
    /// List the app types (ids for --category).
    Types {
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
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

fn lang_of(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::Zh) => Lang::Zh,
        Some(LangArg::En) => Lang::En,
        None => {
            let env = ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
                .unwrap_or_default();
            if env.starts_with("zh") { Lang::Zh } else { Lang::En }
        }
    }
}

fn auditor(rules: Option<PathBuf>, keep_strings: bool) -> anyhow::Result<Auditor> {
    let config = Config {
        rules_dir: rules,
        options: Options {
            keep_strings,
            ..Options::default()
        },
    };
    Auditor::new(&config).context("loading rules")
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Inspect {
            input,
            xml,
            strings,
            compact,
            category,
            rules,
        } => {
            let auditor = auditor(rules, strings)?;
            check_category(&auditor, category.as_deref())?;
            let extraction = auditor
                .facts(&input, category.as_deref())
                .with_context(|| format!("{}", input.display()))?;
            if xml {
                match extraction.manifest_xml {
                    Some(text) => print!("{text}"),
                    None => bail!("{}: the manifest could not be decoded", input.display()),
                }
            } else {
                let facts = extraction.facts;
                let out = if compact {
                    serde_json::to_string(&facts)?
                } else {
                    serde_json::to_string_pretty(&facts)?
                };
                println!("{out}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Scan {
            paths,
            format,
            output,
            category,
            categories,
            rules,
            fail_on,
            lang,
            jobs,
        } => {
            let auditor = auditor(rules, false)?;
            check_category(&auditor, category.as_deref())?;
            let by_package = match &categories {
                Some(csv) => read_categories(csv, &auditor)?,
                None => HashMap::new(),
            };
            let lang = lang_of(lang);
            let inputs = batch::discover(&paths);
            if inputs.is_empty() {
                bail!("no apps found under the given paths (looked for *.apk, *.apks, *.xapk, *.apkm)");
            }
            let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            let run = RunInfo::new(&auditor);
            let mut out: Box<dyn Write> = match &output {
                Some(p) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(p).with_context(|| format!("{}", p.display()))?,
                )),
                None => Box::new(std::io::stdout().lock()),
            };
            // The category of an input: --category for all, or by package from --categories.
            // The package is only known after decoding, so the CSV lookup is by the package
            // the input declares (read cheaply again by the auditor).
            let category_of = |path: &Path| -> Option<String> {
                if let Some(c) = &category {
                    return Some(c.clone());
                }
                if by_package.is_empty() {
                    return None;
                }
                let pkg = auditor.facts(path, None).ok()?.facts.package?;
                by_package.get(&pkg).cloned()
            };
            let mut records: Vec<(usize, AppRecord)> = Vec::with_capacity(inputs.len());
            let mut write_err = None;
            batch::run(&auditor, &inputs, jobs, &category_of, |i, record| {
                if format == Format::Jsonl {
                    if let Err(e) = report::json::write_line(&mut out, &run, &record) {
                        write_err.get_or_insert(e);
                    }
                }
                records.push((i, record));
            })?;
            if let Some(e) = write_err {
                return Err(e).context("writing the report");
            }
            records.sort_by_key(|(i, _)| *i);
            let records: Vec<AppRecord> = records.into_iter().map(|(_, r)| r).collect();
            match format {
                Format::Jsonl => {}
                Format::Json => report::json::write_document(&mut out, &run, &records)?,
                Format::Text => {
                    for r in &records {
                        report::text::write_record(&mut out, r, lang)?;
                    }
                    report::text::write_summary(&mut out, &run, &records, lang)?;
                }
            }
            out.flush()?;
            let unreadable = records.iter().any(|r| r.error.is_some());
            let failing = fail_on.is_some_and(|level| {
                let level = Severity::from(level);
                records.iter().flat_map(|r| &r.findings).any(|f| f.severity >= level)
            });
            Ok(if unreadable {
                ExitCode::from(3)
            } else if failing {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Rules { command } => rules_command(command),
    }
}

fn check_category(auditor: &Auditor, category: Option<&str>) -> anyhow::Result<()> {
    if let Some(c) = category {
        if auditor.tables().app_type(c).is_none() {
            bail!("unknown app type '{c}': `piaudit rules types` lists the 39 ids");
        }
    }
    Ok(())
}

/// `package,category` rows (header required); unknown categories are an error naming the line.
fn read_categories(csv: &Path, auditor: &Auditor) -> anyhow::Result<HashMap<String, String>> {
    let text = std::fs::read_to_string(csv).with_context(|| format!("{}", csv.display()))?;
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h.trim().trim_start_matches('\u{feff}').replace(' ', "") == "package,category" => {}
        _ => bail!("{}:1: the header must be `package,category`", csv.display()),
    }
    let mut map = HashMap::new();
    for (n, line) in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((pkg, cat)) = line.split_once(',') else {
            bail!("{}:{}: expected `package,category`", csv.display(), n + 1);
        };
        let cat = cat.trim();
        if auditor.tables().app_type(cat).is_none() {
            bail!("{}:{}: unknown app type '{cat}'", csv.display(), n + 1);
        }
        map.insert(pkg.trim().to_owned(), cat.to_owned());
    }
    Ok(map)
}

fn rules_command(command: RulesCommand) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::List { rules, lang } => {
            let lang = lang_of(lang);
            let auditor = auditor(rules, false)?;
            for r in auditor.rules().list() {
                println!("{:<32} {:<9} {}", r.id, r.severity.as_str(), r.title.get(lang));
            }
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Show { id, rules, lang } => {
            let lang = lang_of(lang);
            let auditor = auditor(rules, false)?;
            let set: &RuleSet = auditor.rules();
            let Some(rule) = set.rule(&id) else {
                bail!("no rule '{id}': `piaudit rules list` shows the ids");
            };
            print!("{}", set.render_rule_doc(rule, lang));
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Check { dir } => {
            let diagnostics = RuleSet::check_dir(&dir);
            if diagnostics.is_empty() {
                println!("{}: ok", dir.display());
                Ok(ExitCode::SUCCESS)
            } else {
                for d in &diagnostics {
                    eprintln!("{d}");
                }
                Ok(ExitCode::from(2))
            }
        }
        RulesCommand::Types { lang } => {
            let lang = lang_of(lang);
            let auditor = auditor(None, false)?;
            for t in auditor.tables().app_types() {
                let name = match lang {
                    Lang::Zh => &t.name.zh,
                    Lang::En => &t.name.en,
                };
                println!("{:<28} {name}", t.id);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
