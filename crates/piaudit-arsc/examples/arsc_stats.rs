//! Prints counts and timings for one resources.arsc (a development aid).
fn main() {
    let path = std::env::args().nth(1).expect("path to resources.arsc");
    let bytes = std::fs::read(path).expect("read");
    let t0 = std::time::Instant::now();
    let t = piaudit_arsc::Table::parse(&bytes).expect("parse");
    let parse = t0.elapsed();
    let t0 = std::time::Instant::now();
    let n = t.string_resources().count();
    let iter = t0.elapsed();
    for p in t.packages() {
        println!(
            "package {:#04x} {}: {} type chunks, {} types, {} keys",
            p.id(),
            p.name(),
            p.type_chunks().len(),
            p.type_strings().len(),
            p.key_strings().len()
        );
    }
    println!("{} global strings, {n} string resources", t.strings().len());
    println!("parse {parse:?}, strings {iter:?}");
    let t0 = std::time::Instant::now();
    let id = t.find_id("string", "cancel");
    println!("find_id {:?} in {:?}", id, t0.elapsed());
    let t0 = std::time::Instant::now();
    let id = t.find_id("string", "copy");
    println!("find_id again {:?} in {:?}", id, t0.elapsed());
    for a in t.anomalies() {
        println!("anomaly {a}");
    }
}
