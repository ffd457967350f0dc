//! Converts the SDK catalog (`src/sdk/catalog.toml`, the form people edit) to JSON for the
//! crate to embed: parsing the TOML took about a millisecond at every start, the JSON a
//! fraction of that. A catalog that is not valid TOML fails the build.

use std::path::PathBuf;

fn main() {
    let source = "src/sdk/catalog.toml";
    println!("cargo::rerun-if-changed={source}");
    let text =
        std::fs::read_to_string(source).unwrap_or_else(|e| panic!("cannot read {source}: {e}"));
    let catalog: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{source} is not valid TOML: {e}"));
    let json = serde_json::to_string(&catalog)
        .unwrap_or_else(|e| panic!("{source} cannot be written as JSON: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("sdk-catalog.json"), json)
        .unwrap_or_else(|e| panic!("cannot write the catalog JSON: {e}"));
}
