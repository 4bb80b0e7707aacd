//! The `piaudit` command line: parse arguments, call the library, map results to exit codes.
//!
//! Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage or rule-file error (and
//! `inspect` on an unreadable input), 3 some inputs could not be read or audited (an app whose
//! manifest cannot be decoded counts), 4 an input path given does not exist. A standard output
//! closed by its reader (`| head`) ends the command quietly with the status it would have had.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal as _, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand, ValueEnum};

use piaudit::analyze::Options;
use piaudit::auditor::{Auditor, Config};
use piaudit::batch::{self, Outcome, Plan, Shard};
use piaudit::report::fingerprint::{BaselineEntry, write_baseline};
use piaudit::report::{
    self, AppRecord, Baseline, Format, Invocation, ReportContext, RunInfo, Summary,
};
use piaudit_rules::{Lang, RuleSet, Severity};

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

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// Human-readable, zh or en (--lang).
    Text,
    /// One JSON document for the run.
    Json,
    /// One JSON line per app, streamed as each finishes (for batches; --resume).
    Jsonl,
    /// Markdown.
    Md,
    /// SARIF 2.1.0 for code-scanning services.
    Sarif,
    /// One self-contained HTML file, zh and en.
    Html,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Md => Format::Md,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Html => Format::Html,
        }
    }
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
    Scan(Box<ScanArgs>),
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
        /// Print the call chains from the start-up entry points (to sensitive APIs, SDK
        /// initialisations and permission requests) as text, one frame a line, instead of the
        /// facts.
        #[arg(long, conflicts_with = "xml")]
        chains: bool,
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
    /// Print the JSON Schema (draft 2020-12) of the jsonl record or of AppFacts (`inspect`).
    Schema {
        /// `record`: one line of `scan --format jsonl`; `facts`: the output of `inspect`.
        #[arg(value_enum, default_value = "record")]
        of: SchemaArg,
    },
    /// Check privacy policies on their own (HTML or text files, http(s) URLs): the elements
    /// with their proving sentences, PI types and SDKs named, what is missing.
    Policy(PolicyArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemaArg {
    Record,
    Facts,
}

#[derive(clap::Args)]
struct PolicyArgs {
    /// Policy files (HTML, text) or http(s) URLs; PDF is not read (convert it to text first).
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Output format: text (default) or json.
    #[arg(long, value_enum, default_value = "text")]
    format: PolicyFormatArg,
    /// Compare the policies with what this app can collect (its policy rules, judged against
    /// the given policies instead of the ones it carries).
    #[arg(long, value_name = "APK")]
    app: Option<PathBuf>,
    /// Report language (default: from LANG/LC_ALL).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// A rules directory (its data tables replace the built-in ones).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Also fetch from this address range although it is not public (the URLs given are
    /// fetched like `scan --online` fetches: public addresses only); repeatable.
    #[arg(long, value_name = "CIDR")]
    online_allow: Vec<ipnet::IpNet>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PolicyFormatArg {
    Text,
    Json,
}

#[derive(clap::Args)]
struct ScanArgs {
    /// APKs, split bundles (.apks/.xapk/.apkm), SDK archives (.aar/.jar), or directories to walk.
    #[arg(required_unless_present = "from")]
    paths: Vec<PathBuf>,
    /// Also scan the paths listed in this file, one per line (`-`: standard input).
    #[arg(long, value_name = "LIST")]
    from: Option<PathBuf>,
    /// Output format (default: from the extension of -o; else text on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Write the report to this file instead of standard output.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// The app type (one of the 39 of the 2021 provisions, by id or name; `piaudit rules
    /// types`) of every input.
    #[arg(long, conflicts_with = "categories")]
    category: Option<String>,
    /// A CSV file giving each app's type: a header naming `package` and `category` columns (in
    /// any order, among others), a type by id or name per row.
    #[arg(long)]
    categories: Option<PathBuf>,
    /// A rules directory: its rules are added to the built-in ones (same id replaces).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Exit 1 when a finding not in the baseline reaches this severity.
    #[arg(long, value_enum)]
    fail_on: Option<SeverityArg>,
    /// Findings whose fingerprint is in this baseline are reported as baselined and do not count for --fail-on.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write every finding of this run to a baseline file.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Report language (default: from LANG/LC_ALL; zh when it starts with zh).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Parallel jobs (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Scan only shard I of N (0-based), split by each input's SHA-256.
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// With -o OUT.jsonl: skip inputs whose SHA-256 already has a record in OUT, append the rest.
    #[arg(long, requires = "output")]
    resume: bool,
    /// Fetch the privacy-policy URLs apps link to (http/https, public addresses only, 10 s per
    /// URL and 30 s per app, size caps); off by default so scans are deterministic.
    #[arg(long)]
    online: bool,
    /// With --online: also fetch from this address range although it is not public (e.g.
    /// 10.20.0.0/16 where a store hosts policies); repeatable.
    #[arg(long, value_name = "CIDR", requires = "online")]
    online_allow: Vec<ipnet::IpNet>,
    /// Read every input into memory instead of mapping large ones (mapped inputs are guarded:
    /// one truncated mid-scan gets an error record).
    #[arg(long)]
    no_mmap: bool,
    /// Write per app an evidence folder (manifest, policies, facts, report, SHA256SUMS) under DIR.
    #[arg(long, value_name = "DIR")]
    evidence_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum CoverageFormat {
    Text,
    Md,
    Json,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List the rules in effect.
    List {
        /// A rules directory whose rules are added to the built-in ones (same id replaces).
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Language of the titles (default: from LANG/LC_ALL; zh when it starts with zh).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Explain a rule: what it checks, why (with the legal basis), an example, how to fix.
    Show {
        /// The rule's id, as `piaudit rules list` shows it (e.g. PERM-NOT-NECESSARY).
        id: String,
        /// A rules directory whose rules are added to the built-in ones (same id replaces).
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Language of the explanation (default: from LANG/LC_ALL; zh when it starts with zh).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Validate a rules directory: every problem with file:line.
    Check {
        /// The directory of rule files (`*.toml`, and `data/` tables) to check.
        dir: PathBuf,
    },
    /// Every criterion against the rules that cite it (violated / related), and why the
    /// others have none.
    Coverage {
        /// A rules directory whose rules are added to the built-in ones (same id replaces).
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Language of the titles (default: from LANG/LC_ALL; zh when it starts with zh).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: CoverageFormat,
    },
    /// List the app types (ids for --category).
    Types {
        /// Language of the names (default: from LANG/LC_ALL; zh when it starts with zh).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            error_line(&format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}

/// Prints `piaudit: MESSAGE` on standard error, with control characters from inputs escaped.
fn error_line(message: &str) {
    eprintln!("piaudit: {}", piaudit::term::escape_controls(message));
}

/// Whether `e` comes from writing to a standard output its reader closed.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes `text` to standard output; a closed output is an error `main` ends quietly on.
fn out(text: std::fmt::Arguments<'_>) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_fmt(text)?;
    stdout.flush()?;
    Ok(())
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
            if env.starts_with("zh") {
                Lang::Zh
            } else {
                Lang::En
            }
        }
    }
}

fn auditor(rules: Option<PathBuf>, keep_strings: bool) -> anyhow::Result<Auditor> {
    auditor_with(rules, keep_strings, None, true)
}

/// The auditor; `online` lets it fetch the policy URLs apps link to (`--online`, with the
/// address ranges of `--online-allow`).
fn auditor_with(
    rules: Option<PathBuf>,
    keep_strings: bool,
    online: Option<Vec<ipnet::IpNet>>,
    mmap: bool,
) -> anyhow::Result<Auditor> {
    let defaults = Options::default();
    let config = Config {
        rules_dir: rules,
        options: Options {
            keep_strings,
            map_inputs_from: defaults.map_inputs_from.filter(|_| mmap),
            ..defaults
        },
        online: online.map(|allow| piaudit_policy::FetchOptions {
            allow,
            ..piaudit_policy::FetchOptions::default()
        }),
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
            chains,
            category,
            rules,
        } => {
            let auditor = auditor(rules, strings)?;
            let category = check_category(&auditor, category.as_deref())?;
            let extraction = auditor
                .facts(&input, category.as_deref())
                .with_context(|| shown(&input))?;
            if xml {
                match extraction.manifest_xml {
                    Some(text) => out(format_args!("{text}"))?,
                    None => bail!("{}: the manifest could not be decoded", shown(&input)),
                }
            } else if chains {
                out(format_args!(
                    "{}",
                    piaudit::behaviour::chains_text(&extraction.facts)
                ))?;
            } else {
                let facts = extraction.facts;
                let json = if compact {
                    serde_json::to_string(&facts)?
                } else {
                    serde_json::to_string_pretty(&facts)?
                };
                out(format_args!("{json}\n"))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Scan(args) => scan(*args),
        Command::Rules { command } => rules_command(command),
        Command::Schema { of } => {
            let which = match of {
                SchemaArg::Record => report::schema::Which::Record,
                SchemaArg::Facts => report::schema::Which::Facts,
            };
            out(format_args!(
                "{}\n",
                serde_json::to_string_pretty(&report::schema::schema(which))?
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy(args) => policy_command(args),
    }
}

/// `piaudit policy`: exit 0 when every input was read, 3 when some could not be.
fn policy_command(args: PolicyArgs) -> anyhow::Result<ExitCode> {
    use piaudit::policy_check::{self, Report};
    let auditor = auditor(args.rules, false)?;
    let analyzer = auditor.policy_analyzer();
    let mut fetcher = None;
    let mut policies = Vec::with_capacity(args.inputs.len());
    for input in &args.inputs {
        let checked = if policy_check::is_url(input) {
            if fetcher.is_none() {
                let options = piaudit_policy::FetchOptions {
                    allow: args.online_allow.clone(),
                    ..piaudit_policy::FetchOptions::default()
                };
                fetcher = Some(
                    piaudit_policy::Fetcher::new(&options).context("building the HTTP client")?,
                );
            }
            match &fetcher {
                Some(f) => policy_check::check_url(input, f, analyzer),
                None => continue,
            }
        } else {
            policy_check::check_file(Path::new(input), analyzer)
        };
        policies.push(checked);
    }
    let app = match &args.app {
        Some(apk) => Some(policy_check::compare_with_app(&auditor, apk, &policies)?),
        None => None,
    };
    let report = Report { policies, app };
    let mut out = std::io::stdout().lock();
    match args.format {
        PolicyFormatArg::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        PolicyFormatArg::Text => {
            policy_check::write_text(&mut out, &report, analyzer, lang_of(args.lang))?
        }
    }
    out.flush()?;
    Ok(if report.policies.iter().any(|c| c.error.is_some()) {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where records go while the batch runs.
enum Sink {
    /// jsonl: each record written as one line when it finishes; nothing kept.
    Stream(Box<dyn Write>),
    /// Document formats: records kept (with their input index) and written at the end.
    Collect(Vec<(usize, AppRecord)>),
}

/// The format a scan writes: --format, else the output's extension, else text on a terminal
/// and jsonl otherwise.
fn choose_format(arg: Option<FormatArg>, output: Option<&Path>) -> Format {
    if let Some(f) = arg {
        return f.into();
    }
    match output {
        Some(path) => Format::from_extension(path).unwrap_or(Format::Jsonl),
        None if std::io::stdout().is_terminal() => Format::Text,
        None => Format::Jsonl,
    }
}

/// A path as shown in messages (bytes that are not UTF-8 escaped, see `piaudit::term`).
fn shown(path: &Path) -> String {
    piaudit::term::shown_path(path)
}

fn scan_inputs(args: &ScanArgs) -> anyhow::Result<batch::Discovered> {
    let mut found = batch::discover(&args.paths);
    if let Some(list) = &args.from {
        let listed = if list.as_os_str() == "-" {
            batch::read_list(std::io::stdin().lock())
        } else {
            let (file, _) = piaudit::analyze::open_regular(list)
                .with_context(|| format!("--from {}", shown(list)))?;
            batch::read_list(std::io::BufReader::new(file))
        };
        found.extend(listed.with_context(|| format!("--from {}", shown(list)))?);
    }
    for path in &found.missing {
        error_line(&format!("{}: no such file or directory", shown(path)));
    }
    if found.inputs.is_empty() {
        bail!(
            "no apps found under the given paths (looked for *.apk, *.apks, *.xapk, *.apkm, *.aar, *.jar)"
        );
    }
    Ok(found)
}

fn progress_bar(total: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let style = indicatif::ProgressStyle::with_template(
        "{bar:30} {pos}/{len} apps · {rate} · ETA {eta} · {msg}",
    )
    .map(|s| {
        s.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.1} apps/s", state.per_sec());
            },
        )
    })
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message("0 errors");
    Some(bar)
}

fn scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    if args.jobs == Some(0) {
        bail!("--jobs 0: give at least 1 (or leave it out for one job per core)");
    }
    if let (None, Some(path)) = (args.format, &args.output) {
        if Format::from_extension(path).is_none() {
            bail!(
                "-o {}: unknown report extension; use .txt, .json, .jsonl, .md, .sarif or .html, \
                 or say --format",
                shown(path)
            );
        }
    }
    let started_at = report::utc_now_rfc3339();
    let online = args.online.then(|| args.online_allow.clone());
    let auditor = auditor_with(args.rules.clone(), false, online, !args.no_mmap)?;
    let category = check_category(&auditor, args.category.as_deref())?;
    let by_package = match &args.categories {
        Some(csv) => read_categories(csv, &auditor)?,
        None => HashMap::new(),
    };
    let lang = lang_of(args.lang);
    let format = choose_format(args.format, args.output.as_deref());
    if args.resume && format != Format::Jsonl {
        bail!("--resume needs the jsonl format (-o OUT.jsonl)");
    }
    let baseline = match &args.baseline {
        Some(path) => Baseline::load(path)?,
        None => Baseline::default(),
    };
    let found = scan_inputs(&args)?;
    let inputs = found.inputs;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let run = RunInfo::new(&auditor);
    let mut done = HashSet::new();
    if let (true, Some(out)) = (args.resume, &args.output) {
        let state = report::jsonl::prepare_resume(out, &run.rules_digest)
            .with_context(|| format!("--resume {}", out.display()))?;
        if state.repaired_bytes > 0 {
            eprintln!(
                "piaudit: {}: removed a torn last line ({} bytes) left by an interrupted run",
                out.display(),
                state.repaired_bytes
            );
        }
        if state.unreadable_lines > 0 {
            eprintln!(
                "piaudit: {}: {} lines are not records; ignored",
                out.display(),
                state.unreadable_lines
            );
        }
        if state.other_rules > 0 {
            eprintln!(
                "piaudit: {}: {} of {} records were made with a different rule set (see run.rules_digest)",
                out.display(),
                state.other_rules,
                state.records
            );
        }
        done = state.done;
    }
    let mut sink = if format == Format::Jsonl {
        let out: Box<dyn Write> = match &args.output {
            // No buffering: each record is one write_all of one whole line.
            Some(p) => Box::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .write(true)
                    .append(args.resume)
                    .truncate(!args.resume)
                    .open(p)
                    .with_context(|| format!("{}", p.display()))?,
            ),
            None => Box::new(std::io::stdout()),
        };
        Sink::Stream(out)
    } else {
        Sink::Collect(Vec::new())
    };
    let invocation = Invocation {
        arguments: std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        working_dir: std::env::current_dir().unwrap_or_default(),
        started_at,
        ended_at: String::new(),
    };
    let ctx = ReportContext {
        run: &run,
        rules: auditor.rules(),
        lang,
        invocation: &invocation,
    };
    // The category of an app: --category for all, or by the package it declares from
    // --categories (looked up by the auditor once the input is decoded).
    let category_of = |package: Option<&str>| -> Option<String> {
        match &category {
            Some(c) => Some(c.clone()),
            None => package.and_then(|p| by_package.get(p).cloned()),
        }
    };
    let plan = Plan {
        jobs,
        shard: args.shard,
        done: &done,
        baseline: &baseline,
        keep_originals: args.evidence_dir.is_some(),
    };
    let bar = progress_bar(inputs.len());
    let mut summary = Summary::default();
    summary.missing = found.missing.len();
    summary.skipped = found
        .skipped
        .iter()
        .map(|(reason, n)| ((*reason).to_owned(), *n))
        .collect();
    let mut baseline_entries: Vec<BaselineEntry> = Vec::new();
    let mut write_error: Option<std::io::Error> = None;
    let mut evidence_failures = 0usize;
    batch::run(&auditor, &inputs, &plan, &category_of, |outcome| {
        match outcome {
            Outcome::Scanned { index, scanned } => {
                let batch::Scanned { record, originals } = *scanned;
                summary.add(&record);
                if args.write_baseline.is_some() {
                    baseline_entries.extend(record.findings.iter().map(|f| BaselineEntry {
                        fingerprint: f.fingerprint.clone(),
                        rule_id: f.finding.rule_id.clone(),
                        package: record.package().map(str::to_owned),
                    }));
                }
                if let Some(dir) = &args.evidence_dir {
                    if let Err(e) = report::evidence::write_bundle(
                        dir,
                        &ctx,
                        &record,
                        &originals.unwrap_or_default(),
                    ) {
                        evidence_failures += 1;
                        let line = format!(
                            "piaudit: {}",
                            piaudit::term::escape_controls(&e.to_string())
                        );
                        match &bar {
                            Some(bar) => bar.println(line),
                            None => eprintln!("{line}"),
                        }
                    }
                }
                match &mut sink {
                    Sink::Stream(out) => {
                        if write_error.is_none() {
                            if let Err(e) = report::jsonl::write_line(out.as_mut(), &run, &record) {
                                write_error = Some(e);
                            }
                        }
                    }
                    Sink::Collect(records) => records.push((index, record)),
                }
            }
            Outcome::AlreadyDone { .. } => summary.already_done += 1,
            Outcome::OtherShard { .. } => summary.other_shards += 1,
        }
        if let Some(bar) = &bar {
            bar.inc(1);
            bar.set_message(format!("{} errors", summary.errors));
        }
        if write_error.is_some() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    // A reader that closed the output (`| head`) stops the batch quietly; anything else
    // failing to write is an error.
    let output_closed = write_error
        .as_ref()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe);
    if let Some(e) = write_error.filter(|_| !output_closed) {
        return Err(e).context("writing the report");
    }
    let finished = Invocation {
        ended_at: report::utc_now_rfc3339(),
        ..invocation.clone()
    };
    let ctx = ReportContext {
        invocation: &finished,
        ..ctx
    };
    if let Sink::Collect(mut records) = sink {
        records.sort_by_key(|(i, _)| *i);
        let records: Vec<AppRecord> = records.into_iter().map(|(_, r)| r).collect();
        let file: Box<dyn Write> = match &args.output {
            Some(p) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(p).with_context(|| shown(p))?,
            )),
            None => Box::new(std::io::stdout().lock()),
        };
        // Reports read on a terminal or with a pager get control characters from the apps
        // (names, labels) escaped; the data formats escape them their own way.
        let mut out: Box<dyn Write> = if matches!(format, Format::Text | Format::Md) {
            Box::new(piaudit::term::EscapingWriter::new(file))
        } else {
            file
        };
        let written =
            format.writer()(out.as_mut(), &ctx, &records, &summary).and_then(|()| out.flush());
        match written {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.context("writing the report")?,
        }
    }
    if let Some(path) = &args.write_baseline {
        write_baseline(path, &mut baseline_entries, &run.scanned_at)
            .with_context(|| format!("--write-baseline {}", path.display()))?;
    }
    // The text report ends with the summary already; elsewhere it goes to stderr.
    if !(format == Format::Text && args.output.is_none()) {
        let mut err = std::io::stderr().lock();
        summary.write(&mut err, lang)?;
    }
    let failing = args
        .fail_on
        .is_some_and(|level| summary.failing(level.into()) > 0);
    Ok(if evidence_failures > 0 {
        error_line(&format!(
            "{evidence_failures} evidence folders were not written"
        ));
        ExitCode::from(2)
    } else if summary.missing > 0 {
        ExitCode::from(4)
    } else if summary.errors > 0 || summary.not_audited > 0 {
        ExitCode::from(3)
    } else if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The app type id `name` gives: an id (`piaudit rules types`), or a type's Chinese or
/// English name as the tables write it.
fn resolve_category(auditor: &Auditor, name: &str) -> Option<String> {
    let name = name.trim();
    auditor
        .tables()
        .app_types()
        .iter()
        .find(|t| t.id == name || t.name.zh == name || t.name.en.eq_ignore_ascii_case(name))
        .map(|t| t.id.clone())
}

/// `--category`: the id it names, or an error listing where the ids are.
fn check_category(auditor: &Auditor, category: Option<&str>) -> anyhow::Result<Option<String>> {
    category
        .map(|c| {
            resolve_category(auditor, c).with_context(|| {
                format!("unknown app type '{c}': `piaudit rules types` lists the 39 ids and names")
            })
        })
        .transpose()
}

/// `--categories FILE`: a CSV file (RFC 4180: quoted fields, CRLF or LF, a UTF-8 BOM) with a
/// header naming a `package` and a `category` column, in any order, among any others. A
/// category is an id or a type's name. Unknown types, rows without both fields and a package
/// given two different types are errors naming the line; a package repeated with the same
/// type is reported and kept.
fn read_categories(path: &Path, auditor: &Auditor) -> anyhow::Result<HashMap<String, String>> {
    let shown_path = shown(path);
    let (file, _) = piaudit::analyze::open_regular(path).with_context(|| shown_path.clone())?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(file, 64 << 20), &mut text)
        .with_context(|| shown_path.clone())?;
    // CRLF as LF: the reader counts lines by LF alone (quoted values keep their line breaks).
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(&text)
        .replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .with_context(|| format!("{shown_path}:1"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(pkg_col), Some(cat_col)) = (column("package"), column("category")) else {
        bail!("{shown_path}:1: the header must name a `package` and a `category` column");
    };
    let mut map: HashMap<String, (String, u64)> = HashMap::new();
    for row in reader.records() {
        let row = row.with_context(|| shown_path.clone())?;
        let line = row.position().map_or(0, csv::Position::line);
        if row.iter().all(str::is_empty) {
            continue;
        }
        let (Some(pkg), Some(cat)) = (
            row.get(pkg_col).filter(|p| !p.is_empty()),
            row.get(cat_col).filter(|c| !c.is_empty()),
        ) else {
            bail!("{shown_path}:{line}: expected a package and a category");
        };
        let Some(id) = resolve_category(auditor, cat) else {
            bail!("{shown_path}:{line}: unknown app type '{cat}'");
        };
        match map.get(pkg) {
            Some((earlier, at)) if *earlier != id => bail!(
                "{shown_path}:{line}: {pkg} is listed again with another type ({id}; line {at} says {earlier})"
            ),
            Some((_, at)) => error_line(&format!(
                "{shown_path}:{line}: {pkg} is listed again (first on line {at}); same type, kept"
            )),
            None => {
                map.insert(pkg.to_owned(), (id, line));
            }
        }
    }
    Ok(map.into_iter().map(|(p, (id, _))| (p, id)).collect())
}

fn rules_command(command: RulesCommand) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::List { rules, lang } => {
            let lang = lang_of(lang);
            let auditor = auditor(rules, false)?;
            for r in auditor.rules().list() {
                out(format_args!(
                    "{:<32} {:<9} {}\n",
                    r.id,
                    r.severity.label(lang),
                    r.title.get(lang)
                ))?;
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
            let doc = set.render_rule_doc(rule, lang);
            let end = if doc.ends_with('\n') { "" } else { "\n" };
            out(format_args!("{doc}{end}"))?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Check { dir } => {
            let diagnostics = RuleSet::check_dir(&dir);
            if diagnostics.is_empty() {
                out(format_args!("{}: ok\n", shown(&dir)))?;
                Ok(ExitCode::SUCCESS)
            } else {
                for d in &diagnostics {
                    eprintln!("{d}");
                }
                Ok(ExitCode::from(2))
            }
        }
        RulesCommand::Coverage {
            rules,
            lang,
            format,
        } => {
            let lang = lang_of(lang);
            let auditor = auditor(rules, false)?;
            let matrix = piaudit::coverage::coverage(auditor.rules(), lang);
            out(format_args!(
                "{}",
                match format {
                    CoverageFormat::Text => matrix.to_text(lang),
                    CoverageFormat::Md => matrix.to_markdown(lang),
                    CoverageFormat::Json => matrix.to_json(),
                }
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Types { lang } => {
            let lang = lang_of(lang);
            let auditor = auditor(None, false)?;
            for t in auditor.tables().app_types() {
                let name = match lang {
                    Lang::Zh => &t.name.zh,
                    Lang::En => &t.name.en,
                };
                out(format_args!("{:<28} {name}\n", t.id))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
