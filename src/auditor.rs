//! The auditor: everything built once per run (tables, SDK and packer catalogues, the rule
//! set) and the per-app sequence extraction → SDK detection → API attribution → enrichment →
//! rules.
//!
//! Owns turning the code scan's raw results into the AppFacts fields `sdks`, `packers`,
//! `api_refs` and `startup_permission_requests`. It must not decode bytes (the decoders do) or
//! hold rule logic (the rule files do).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use piaudit_rules::{Evaluation, RuleSet, Tables};
use piaudit_sdk::{Attribution, Catalog, Evidence, Ownership, PackerCatalog, SdkHit, SdkIdx};

use crate::analyze::{self, Context, Extraction, InputError, Options};
use crate::behaviour::{Behaviour, CONSENT_APIS_TOML, ConsentApis, Site};
use crate::code::{ApiIndex, ClassOwner, CodeFacts};
use crate::facts::AppFacts;

/// The default data files, compiled in.
const SDKS_TOML: &str = include_str!("../rules/data/sdks.toml");
const PACKERS_TOML: &str = include_str!("../rules/data/packers.toml");
const POLICY_TOML: &str = include_str!("../rules/data/policy.toml");

/// Why the rule set or the data tables could not be loaded (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    // Not a `source`: the message shows it once (`{:#}` printed it twice).
    #[error("{0}")]
    Rules(piaudit_rules::RulesError),
    #[error("{file}: {error}")]
    Catalog {
        file: String,
        error: Box<piaudit_sdk::CatalogError>,
    },
    #[error("{file}: {error}")]
    Policy {
        file: String,
        error: Box<piaudit_policy::TablesError>,
    },
    #[error("{0}")]
    Io(String),
}

impl From<piaudit_rules::RulesError> for ConfigError {
    fn from(e: piaudit_rules::RulesError) -> Self {
        ConfigError::Rules(e)
    }
}

/// How to build an auditor.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// A rules directory (`--rules DIR`): its `*.toml` rules are added to the embedded ones
    /// (same id replaces), and its `data/sdks.toml` / `data/packers.toml`, when present,
    /// replace the embedded catalogues.
    pub rules_dir: Option<std::path::PathBuf>,
    pub options: Options,
    /// Fetch policy URLs (`--online`); off by default so scans are deterministic.
    pub online: Option<piaudit_policy::FetchOptions>,
}

/// The SDK catalogue as the code scan's [`ClassOwner`].
struct CatalogOwners(std::sync::Arc<Catalog>);

impl ClassOwner for CatalogOwners {
    fn owner_of(&self, dotted_class: &str) -> Option<usize> {
        self.0.owner_of(dotted_class).map(SdkIdx::get)
    }
}

/// What SDK and packer detection look at in one app, borrowed from its facts: class names,
/// native library names, manifest component names and meta-data keys, URLs, and the paths of
/// bundled files under `assets/` and `res/raw/`.
pub struct SdkInputs<'a> {
    pub classes: Vec<&'a str>,
    pub native_libs: Vec<&'a str>,
    pub components: Vec<&'a str>,
    pub meta_data_keys: Vec<&'a str>,
    pub urls: Vec<&'a str>,
    pub assets: Vec<&'a str>,
}

impl<'a> SdkInputs<'a> {
    pub fn new(facts: &'a AppFacts, classes: &'a [String], files: &'a [String]) -> SdkInputs<'a> {
        SdkInputs {
            classes: classes.iter().map(String::as_str).collect(),
            native_libs: facts.native_libs.iter().map(|l| l.name.as_str()).collect(),
            components: facts.components.iter().map(|c| c.name.as_str()).collect(),
            meta_data_keys: facts.meta_data.iter().map(|m| m.name.as_str()).collect(),
            urls: facts.urls.iter().map(String::as_str).collect(),
            assets: files
                .iter()
                .map(String::as_str)
                .filter(|f| f.starts_with("assets/") || f.starts_with("res/raw/"))
                .collect(),
        }
    }

    /// The catalogue's view (call data comes from our own code pass, not from here).
    pub fn evidence(&self) -> Evidence<'_> {
        Evidence {
            classes: &self.classes,
            native_libs: &self.native_libs,
            components: &self.components,
            meta_data_keys: &self.meta_data_keys,
            urls: &self.urls,
            assets: &self.assets,
            calls: None,
        }
    }
}

/// Per (API reference, owner label, SDK id): up to 10 callers and the call-site count.
type ApiGroup = (Vec<String>, u64);

/// One audited app: its facts, and the rules' verdict.
pub struct Audit {
    pub extraction: Extraction,
    pub evaluation: Evaluation,
}

/// Built once, shared by every app of a run (it is `Send + Sync`).
pub struct Auditor {
    ctx: Context,
    catalog: std::sync::Arc<Catalog>,
    packers: PackerCatalog,
    policy: Arc<piaudit_policy::Analyzer>,
    fetcher: Option<piaudit_policy::Fetcher>,
    rules: RuleSet,
    options: Options,
    consent_apis: ConsentApis,
}

fn catalog_from(
    dir: Option<&Path>,
    file: &str,
    embedded: &'static str,
) -> Result<(String, String), ConfigError> {
    if let Some(dir) = dir {
        let path = dir.join("data").join(file);
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| ConfigError::Io(format!("{}: {e}", path.display())))?;
            return Ok((path.display().to_string(), text));
        }
    }
    Ok((format!("rules/data/{file} (embedded)"), embedded.to_owned()))
}

impl Auditor {
    /// Loads the embedded rules and data, extended by `config.rules_dir`.
    pub fn new(config: &Config) -> Result<Auditor, ConfigError> {
        let dir = config.rules_dir.as_deref();
        let mut rules = RuleSet::embedded()?;
        if let Some(dir) = dir {
            rules.load_dir(dir, false)?;
        }
        let (sdk_file, sdk_text) = catalog_from(dir, "sdks.toml", SDKS_TOML)?;
        let catalog = Catalog::from_toml(&sdk_text).map_err(|error| ConfigError::Catalog {
            file: sdk_file,
            error: Box::new(error),
        })?;
        let (packer_file, packer_text) = catalog_from(dir, "packers.toml", PACKERS_TOML)?;
        let packers =
            PackerCatalog::from_toml(&packer_text).map_err(|error| ConfigError::Catalog {
                file: packer_file,
                error: Box::new(error),
            })?;
        let (policy_file, policy_text) = catalog_from(dir, "policy.toml", POLICY_TOML)?;
        let policy_err = |error| ConfigError::Policy {
            file: policy_file.clone(),
            error: Box::new(error),
        };
        let policy_tables =
            piaudit_policy::PolicyTables::from_toml(&policy_text).map_err(policy_err)?;
        // The names a policy would use for each SDK, so disclosures can name SDKs.
        let sdk_names = catalog
            .sdks()
            .iter()
            .map(|sdk| piaudit_policy::SdkName {
                id: sdk.id.clone(),
                names: sdk.policy_names.iter().map(str::to_owned).collect(),
            })
            .collect();
        let policy =
            Arc::new(piaudit_policy::Analyzer::new(&policy_tables, sdk_names).map_err(policy_err)?);
        let fetcher = match &config.online {
            Some(opts) => Some(
                piaudit_policy::Fetcher::new(opts)
                    .map_err(|e| ConfigError::Io(format!("--online: {e}")))?,
            ),
            None => None,
        };
        let (consent_file, consent_text) =
            catalog_from(dir, "consent-apis.toml", CONSENT_APIS_TOML)?;
        let consent_apis = ConsentApis::from_toml(&consent_text)
            .map_err(|e| ConfigError::Io(format!("{consent_file}: {e}")))?;
        for sdk in &consent_apis.sdks {
            if catalog.find(&sdk.id).is_none() {
                return Err(ConfigError::Io(format!(
                    "{consent_file}: sdk {} is not in sdks.toml",
                    sdk.id
                )));
            }
        }
        let catalog = Arc::new(catalog);
        let apis = ApiIndex::new(
            rules
                .tables()
                .sensitive_apis()
                .iter()
                .filter(|a| a.kind == "method")
                .map(|a| a.reference.as_str()),
        );
        Ok(Auditor {
            ctx: Context {
                apis,
                owners: Box::new(CatalogOwners(catalog.clone())),
                policy: Some(policy.clone()),
            },
            catalog,
            packers,
            policy,
            fetcher,
            rules,
            options: config.options.clone(),
            consent_apis,
        })
    }

    /// The extraction options (caps) every app is read with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    pub fn tables(&self) -> &Tables {
        self.rules.tables()
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The policy-text analyser built from the rule tables and the SDK catalogue.
    pub fn policy_analyzer(&self) -> &piaudit_policy::Analyzer {
        &self.policy
    }

    /// Extracts and enriches the facts of one input (no rules).
    pub fn facts(&self, path: &Path, category: Option<&str>) -> Result<Extraction, InputError> {
        self.facts_by_package(path, &|_| category.map(str::to_owned))
    }

    /// Like [`Auditor::facts`], with the app type chosen from the package the input declares
    /// (`--categories`): known only after decoding, so decided here, in the same pass.
    pub fn facts_by_package(
        &self,
        path: &Path,
        category_of: &dyn Fn(Option<&str>) -> Option<String>,
    ) -> Result<Extraction, InputError> {
        let mut x = analyze::analyze_path(path, &self.ctx, &self.options)?;
        let category = category_of(x.facts.package.as_deref());
        self.complete(&mut x, category.as_deref());
        Ok(x)
    }

    /// Extracts, enriches and judges in-memory bytes (`name` is only reported).
    pub fn audit_bytes(
        &self,
        name: &str,
        bytes: Vec<u8>,
        category: Option<&str>,
    ) -> Result<Audit, InputError> {
        let mut extraction = analyze::analyze_bytes(name, bytes, &self.ctx, &self.options)?;
        self.complete(&mut extraction, category);
        let evaluation = self.rules.evaluate(&extraction.facts);
        Ok(Audit {
            extraction,
            evaluation,
        })
    }

    /// Extracts, enriches and judges one input.
    pub fn audit(&self, path: &Path, category: Option<&str>) -> Result<Audit, InputError> {
        let extraction = self.facts(path, category)?;
        let evaluation = self.rules.evaluate(&extraction.facts);
        Ok(Audit {
            extraction,
            evaluation,
        })
    }

    /// The stages after decoding: SDKs, packers, API attribution, start-up requests, tables.
    fn complete(&self, x: &mut Extraction, category: Option<&str>) {
        let facts = &mut x.facts;
        let hits = self.detect_sdks(facts, &x.code, &x.files);
        facts.startup_permission_requests = x
            .code
            .startup_requests
            .iter()
            .map(|r| piaudit_facts::StartupRequest {
                api: r.api.clone(),
                component: r.component.clone(),
                kind: r.kind.to_owned(),
                method: r.method.clone(),
                permissions: r.permissions.clone(),
                ..piaudit_facts::StartupRequest::default()
            })
            .collect();
        // Who owns each class, over the call graph's class edges when there is one.
        let calls = x.code.graph.as_ref().map(crate::sdk_use::Calls::new);
        let ownership = self.ownership(facts, &x.code, &hits, calls.as_ref());
        // The call graph: start-up reachability, the consent point, SDK use.
        let references: Vec<&str> = self.ctx.apis.references().collect();
        let owner = |class: &str| match ownership.owner(class) {
            Attribution::Sdk(idx) => Some(idx.get()),
            _ => None,
        };
        let behaviour = x.code.graph.as_ref().map(|graph| {
            Behaviour::analyse(
                graph,
                facts,
                &self.consent_apis,
                &references,
                &owner,
                &x.agree_texts,
                x.code.graph_micros,
            )
        });
        if let Some(graph) = x.code.graph.as_ref() {
            crate::coercion::analyse(
                graph,
                facts,
                &x.code.denials,
                crate::coercion::Libraries::embedded(),
            );
        }
        // Liveness (is this code run by anything?) needs only a package whose components the
        // manifest names; start-up reachability and consent need start-up entry points.
        let live = behaviour.filter(|_| facts.reachability.live_analysed);
        let startup = live.as_ref().filter(|_| facts.reachability.analysed);
        if let Some(calls) = &calls {
            self.mark_sdk_use(facts, calls, &ownership);
        }
        if let (Some(b), Some(calls), Some(graph)) = (startup, &calls, &x.code.graph) {
            self.mark_sdk_startup(facts, b, calls, &ownership, graph);
        }
        self.attribute_apis(facts, &x.code, &ownership, startup, live.as_ref());
        self.code_checks(
            facts,
            x.code.graph.as_ref(),
            &ownership,
            startup,
            live.as_ref(),
        );
        self.find_policies(facts, &x.policy_files, x.strings.as_ref());
        let sdk_id = |class: &str| {
            self.catalog
                .owner_of(class)
                .and_then(|i| self.catalog.sdks().get(i.get()))
                .map(|sdk| sdk.id.clone())
        };
        facts.auto_start = crate::receivers::auto_start(facts, &sdk_id);
        facts.category = category.map(str::to_owned);
        if let Err(e) = self.rules.tables().enrich(facts) {
            facts.problem("rules", e.to_string());
        }
        if !self.options.keep_strings {
            facts.strings.clear();
        }
    }

    /// Detects SDKs and packers into the facts; returns the SDK hits for code ownership.
    fn detect_sdks(&self, facts: &mut AppFacts, code: &CodeFacts, files: &[String]) -> Vec<SdkHit> {
        let inputs = SdkInputs::new(facts, &code.classes, files);
        let mut hits = self.catalog.detect(&inputs.evidence());
        for hit in &mut hits {
            // Usage comes from our own single pass over the code (see `code::CodeScan`).
            hit.usage.analyzed = !inputs.classes.is_empty();
            if let Some((count, examples)) = code.sdk_calls.get(&hit.index.get()) {
                hit.usage.external_call_sites = *count;
                hit.usage.example_callers = examples.iter().cloned().collect();
            }
            hit.used = hit.usage.external_call_sites > 0;
        }
        facts.packers = self
            .packers
            .detect(&inputs.native_libs, &inputs.classes, &inputs.assets)
            .iter()
            .map(piaudit_sdk::PackerHit::to_record)
            .collect();
        facts.sdks = hits.iter().map(piaudit_sdk::SdkHit::to_record).collect();
        hits
    }

    /// Policy discovery, then (with `--online`) the fetch of every policy URL.
    fn find_policies(
        &self,
        facts: &mut AppFacts,
        files: &[(String, Vec<u8>)],
        strings: Option<&crate::discovery::StringFindings>,
    ) {
        let of_facts;
        let strings = match strings {
            Some(found) => found,
            None => {
                of_facts =
                    crate::discovery::StringFindings::of_strings(&facts.strings, &self.policy);
                &of_facts
            }
        };
        let docs = crate::discovery::discover(facts, files, strings, &self.policy);
        // One deadline for all of this app's fetches (each URL has its own within it).
        let deadline = self.fetcher.as_ref().map(|f| f.deadline_for_app());
        facts.policies = docs
            .iter()
            .map(|doc| {
                let url = doc
                    .url
                    .as_deref()
                    .filter(|_| doc.kind == piaudit_policy::DocKind::Url);
                match (&self.fetcher, url) {
                    (Some(fetcher), Some(url)) => {
                        let record = fetcher.fetch_before(url, deadline);
                        let fetched =
                            piaudit_policy::PolicyDoc::fetched(&doc.source, &record, &self.policy);
                        // The fetch record is evidence (status, final URL, time, hash); its
                        // text is already analysed into `disclosures`.
                        piaudit_facts::PolicyDoc {
                            fetch: Some(record.to_record()),
                            ..fetched.to_record()
                        }
                    }
                    _ => doc.to_record(),
                }
            })
            .collect();
    }

    /// The owner of every class of the app ([`Ownership`]): by prefix and detection, then
    /// propagated to unknown classes only one SDK's code reaches, over the call graph's
    /// class-level edges (or, without a graph, as for a `.jar`, the code scan's).
    fn ownership(
        &self,
        facts: &AppFacts,
        code: &CodeFacts,
        hits: &[SdkHit],
        calls: Option<&crate::sdk_use::Calls>,
    ) -> Ownership<'_> {
        let first_party = self
            .catalog
            .first_party(facts.package.as_deref(), facts.application_class.as_deref());
        let mut ownership = Ownership::new(&self.catalog, first_party, hits);
        match calls {
            Some(calls) => ownership.propagate(calls.class_edges()),
            None => ownership.propagate(code.unknown_callee_edges()),
        }
        ownership
    }

    /// `sdks[].used` and `sdks[].usage` from the call graph under `ownership`: an SDK is used
    /// when the app's own code, or the Application class or launcher activity the developer
    /// names in the manifest, reaches a method the SDK owns (through any code; without a
    /// manifest, unknown code counts as the app's). An SDK's own
    /// components and providers running at start-up are not use by the app: they are reported
    /// as `initialised_at_startup` ([`Auditor::mark_sdk_startup`]). Usage counts calls into
    /// the SDK from code it does not own (its obfuscated internals are its own).
    fn mark_sdk_use(
        &self,
        facts: &mut AppFacts,
        calls: &crate::sdk_use::Calls,
        ownership: &Ownership<'_>,
    ) {
        let mut chosen: Vec<&str> = facts.application_class.iter().map(String::as_str).collect();
        if let Some(launcher) = facts.components.iter().find(|c| c.launcher) {
            chosen.push(launcher.target.as_deref().unwrap_or(&launcher.name));
        }
        let sdk_use = calls.sdk_use(ownership, &chosen, facts.package.is_none());
        for sdk in &mut facts.sdks {
            let Some(idx) = self.catalog.find(&sdk.id) else {
                continue;
            };
            sdk.used = sdk_use.used.contains(&idx);
            let (count, examples) = sdk_use.usage.get(&idx).cloned().unwrap_or_default();
            sdk.usage = piaudit_facts::SdkUsage {
                analyzed: true,
                example_callers: examples.into_iter().collect(),
                external_call_sites: count,
            };
        }
    }

    /// `sdks[].initialised_at_startup` from reachability: its vendor's init call (or, for SDKs
    /// without one in consent-apis.toml, any of its code) runs from start-up, its own
    /// providers included, before any consent gate, and a walk from the start-up entry points
    /// that dispatches only to created objects ([`crate::sdk_use`]) reaches its code (a host
    /// SDK's plugin interface does not start a bundled plugin nobody created).
    fn mark_sdk_startup(
        &self,
        facts: &mut AppFacts,
        b: &Behaviour<'_>,
        calls: &crate::sdk_use::Calls,
        ownership: &Ownership<'_>,
        graph: &piaudit_graph::Graph,
    ) {
        let entries = facts
            .reachability
            .entry_points
            .iter()
            .filter_map(|e| graph.find_method(&e.method));
        let started = calls.reached_from(ownership, entries);
        let inits: BTreeMap<String, bool> = facts
            .sdk_inits
            .iter()
            .map(|i| {
                let startup = i.reachable == Some(true) && i.before_consent != Some(false);
                (i.sdk.clone(), startup)
            })
            .collect();
        for sdk in &mut facts.sdks {
            let id = sdk.id.clone();
            let Some(idx) = self.catalog.find(&id) else {
                continue;
            };
            let (_, before_gate) = b.sdk_reached(idx.get());
            let startup = inits.get(&id).copied().unwrap_or(before_gate);
            sdk.initialised_at_startup = Some(startup && started.contains(&idx));
        }
    }

    /// Who a call site of `class` is attributed to, as the facts name it: (`app`, `sdk`,
    /// `platform` or `third-party`; the SDK's id when it is one).
    fn party(&self, ownership: &Ownership<'_>, class: &str) -> (String, Option<String>) {
        match ownership.owner(class) {
            Attribution::Sdk(idx) => (
                "sdk".to_owned(),
                self.catalog.sdk(idx).map(|s| s.id.clone()),
            ),
            other => (other.label(&self.catalog).to_owned(), None),
        }
    }

    /// The code checks of issue 18: permission use and rationale, motion sensors, starts of
    /// other apps' components, work scheduled from start-up; each call site attributed like
    /// `api_refs` (`app`, `sdk` with its id, `platform`, `third-party`). `b` is the start-up
    /// analysis (schedules), `live_b` the liveness one (whether a permission request runs).
    fn code_checks(
        &self,
        facts: &mut AppFacts,
        graph: Option<&piaudit_graph::Graph>,
        ownership: &Ownership<'_>,
        b: Option<&Behaviour<'_>>,
        live_b: Option<&Behaviour<'_>>,
    ) {
        let party = |class: &str| self.party(ownership, class);
        let apis = self.rules.tables().sensitive_apis();
        let sensitive = crate::permission_use::SensitiveRefs {
            needs: apis
                .iter()
                .filter(|a| a.kind == "method" && !a.permission_request)
                .map(|a| {
                    let mut p: Vec<&str> = a
                        .requires_any
                        .iter()
                        .chain(&a.requires_all)
                        .chain(&a.permission)
                        .map(String::as_str)
                        .collect();
                    p.sort_unstable();
                    p.dedup();
                    (a.reference.as_str(), p)
                })
                .collect(),
            requests: apis
                .iter()
                .filter(|a| a.kind == "method" && a.permission_request)
                .map(|a| a.reference.as_str())
                .collect(),
        };
        crate::permission_use::analyse(
            graph,
            facts,
            crate::permission_use::PermissionApis::embedded(),
            &sensitive,
            live_b.map(Behaviour::permission_request_live),
        );
        let Some(g) = graph else {
            return;
        };
        crate::sensors::analyse(g, facts, &party);
        crate::wakeup::cross_app_starts(
            g,
            facts,
            crate::wakeup::SystemPackages::embedded(),
            &party,
        );
        if let Some(b) = b {
            crate::wakeup::startup_schedules(g, b, facts, &party);
        }
    }

    /// One `api_refs` entry per (sensitive API, owner of the calling classes): the app, one
    /// SDK, the platform or unknown third-party code. Class owners are decided once for the app
    /// ([`Auditor::ownership`]).
    /// With a call graph, each entry also says whether (and how) a call runs from an entry
    /// point, and whether any live code calls it.
    fn attribute_apis(
        &self,
        facts: &mut AppFacts,
        code: &CodeFacts,
        ownership: &Ownership<'_>,
        b: Option<&Behaviour<'_>>,
        live_b: Option<&Behaviour<'_>>,
    ) {
        let tables = self.rules.tables();
        // (api ref, attribution label, sdk id) → (callers, call sites)
        let mut grouped: BTreeMap<(String, String, Option<String>), ApiGroup> = BTreeMap::new();
        // Per group: the sites found (call graph), and whether live code calls it.
        let mut group_sites: BTreeMap<(String, String, Option<String>), Vec<Site>> =
            BTreeMap::new();
        let mut group_live: BTreeMap<(String, String, Option<String>), bool> = BTreeMap::new();
        for ((api, caller), n) in &code.api_uses {
            let reference = self.ctx.apis.reference(*api).to_owned();
            let site = b.and_then(|b| b.api_site(&reference, caller));
            let (label, sdk) = self.party(ownership, caller);
            let key = (reference, label, sdk);
            if live_b.is_some_and(|b| b.api_live(&key.0, caller)) {
                group_live.insert(key.clone(), true);
            }
            if let Some(site) = site {
                group_sites.entry(key.clone()).or_default().push(site);
            }
            let entry = grouped.entry(key).or_default();
            if entry.0.len() < 10 {
                entry.0.push(caller.clone());
            }
            entry.1 += n;
        }
        facts.api_refs = grouped
            .into_iter()
            .filter_map(|((reference, label, sdk), (callers, sites))| {
                let api = tables.sensitive_api(&reference)?;
                api.pi_type.as_ref()?;
                let key = (reference, label, sdk);
                let found = group_sites.remove(&key);
                let live = live_b.map(|_| group_live.contains_key(&key));
                let (reference, label, sdk) = key;
                let best = found.as_ref().and_then(|s| {
                    s.iter()
                        .find(|s| s.before_consent == Some(true))
                        .or_else(|| s.iter().find(|s| s.before_consent.is_none()))
                        .or_else(|| s.first())
                });
                let mut reachable_from: Vec<String> = found
                    .iter()
                    .flatten()
                    .map(|s| s.reachable_from.clone())
                    .collect();
                reachable_from.sort_unstable();
                reachable_from.dedup();
                Some(piaudit_facts::ApiRef {
                    api: reference,
                    attributed_to: label,
                    call_sites: sites,
                    callers,
                    permission: api.permission.clone(),
                    pi_type: api.pi_type.clone()?,
                    sdk,
                    reachable: b.map(|_| best.is_some()),
                    live,
                    reachable_from,
                    before_consent: match (b, best) {
                        (None, _) => None,
                        (Some(_), None) => Some(false),
                        (Some(_), Some(s)) => s.before_consent,
                    },
                    chain: best.map(|s| s.chain.clone()).unwrap_or_default(),
                })
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVICE_ID: &str = "Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;";

    /// Facts and code of an app whose QQ Connect and MTA both read the device id, with Umeng
    /// 5.x's obfuscated `u.aly` internals reading it too.
    fn two_sdks_one_api(auditor: &Auditor) -> (AppFacts, CodeFacts) {
        let facts = AppFacts {
            package: Some("com.example.app".into()),
            ..AppFacts::default()
        };
        let classes = [
            "com.example.app.MainActivity",
            "com.tencent.connect.auth.QQAuth",
            "com.tencent.connect.common.BaseApi",
            "com.tencent.tauth.Tencent",
            "com.tencent.stat.StatService",
            "com.tencent.stat.common.StatCommonHelper",
            "com.tencent.stat.a",
            "com.umeng.analytics.MobclickAgent",
            "com.umeng.analytics.a",
            "com.umeng.analytics.b",
            "u.aly.bi",
        ];
        let api = (0..)
            .find(|&id| auditor.ctx.apis.reference(id) == DEVICE_ID)
            .unwrap();
        let mut code = CodeFacts {
            classes: classes.iter().map(|c| (*c).to_owned()).collect(),
            ..CodeFacts::default()
        };
        for caller in [
            "com.example.app.MainActivity",
            "com.tencent.connect.common.BaseApi",
            "com.tencent.stat.common.StatCommonHelper",
            "u.aly.bi",
        ] {
            code.api_uses.insert((api, caller.to_owned()), 2);
        }
        code.edge_classes = vec![
            "com.umeng.analytics.MobclickAgent".into(),
            "u.aly.bi".into(),
        ];
        code.class_edges.insert((0, 1));
        (facts, code)
    }

    #[test]
    fn api_refs_name_every_owner_of_one_api() {
        let auditor = Auditor::new(&Config::default()).unwrap();
        let (mut facts, code) = two_sdks_one_api(&auditor);
        let hits = auditor.detect_sdks(&mut facts, &code, &[]);
        let ownership = auditor.ownership(&facts, &code, &hits, None);
        auditor.attribute_apis(&mut facts, &code, &ownership, None, None);
        let mut owners: Vec<(String, String)> = facts
            .api_refs
            .iter()
            .filter(|r| r.api == DEVICE_ID)
            .map(|r| (r.attributed_to.clone(), r.sdk.clone().unwrap_or_default()))
            .collect();
        owners.sort();
        let qq = auditor
            .catalog
            .owner_of("com.tencent.connect.common.BaseApi")
            .and_then(|i| auditor.catalog.sdk(i))
            .map(|s| s.id.clone())
            .unwrap();
        let mut expected = vec![
            ("app".to_owned(), String::new()),
            ("sdk".to_owned(), qq),
            ("sdk".to_owned(), "tencent-mta".to_owned()),
            ("sdk".to_owned(), "umeng-analytics".to_owned()),
        ];
        expected.sort();
        assert_eq!(owners, expected, "{:#?}", facts.api_refs);
        for r in &facts.api_refs {
            assert_eq!(r.call_sites, 2, "{r:?}");
        }
    }
}
