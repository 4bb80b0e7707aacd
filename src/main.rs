//! The `piaudit` command line: parse arguments, call the library, map results to exit codes.

fn main() {
    println!("piaudit {}", env!("CARGO_PKG_VERSION"));
}
