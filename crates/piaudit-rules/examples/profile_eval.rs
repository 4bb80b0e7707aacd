//! Temporary profiling harness: evaluates the embedded rules N times over the `app` objects
//! of a jsonl report.
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("jsonl");
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let set = piaudit_rules::RuleSet::embedded().unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let apps: Vec<piaudit_rules::AppFacts> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("app").cloned())
        .filter_map(|a| serde_json::from_value(a).ok())
        .collect();
    eprintln!("{} apps", apps.len());
    let start = std::time::Instant::now();
    let mut findings = 0;
    for _ in 0..n {
        for app in &apps {
            let e = set.evaluate(app);
            findings += e.findings.len() + e.errors.len();
        }
    }
    eprintln!(
        "{findings} findings; {:?} per app",
        start.elapsed() / (n * apps.len()) as u32
    );
    if std::env::var_os("DUMP").is_some() {
        for app in &apps {
            println!("{}", serde_json::to_string(&set.evaluate(app)).unwrap());
        }
    }
}
