//! appvd's DEX engine: reads Dalvik executables directly and builds, once per app, the indexes
//! detection rules query.
//!
//! The model, bottom up:
//!
//! - [`DexFile`] is a zero-copy view of one DEX file (or one entry of a DEX 041 container). Opening
//!   it checks the header (magic, version, checksum, SHA-1 signature, sizes) and the bounds of every
//!   id table; items (strings in MUTF-8, types, prototypes, fields, methods, class definitions,
//!   class data, code items, encoded values, annotations, debug info) are decoded lazily by
//!   accessors that return [`DexError`] instead of panicking. Problems are [`Anomaly`] values with a
//!   stable [`AnomalyKind`] id.
//! - [`insn`] decodes bytecode: [`insn::Instructions`] walks a code item and yields
//!   `(offset, Instruction)` for every opcode and payload; [`opcode`] is the table behind it.
//!   [`disasm`] prints classes and methods in baksmali's layout, and cuts the instructions around a
//!   call site for evidence.
//! - [`App`] opens all `classes*.dex` of an app, interns descriptors and names across them
//!   ([`symbols`]), builds the class table (first definition wins) and resolves hierarchies through
//!   app classes and the bundled [`framework`] table (`data/framework.txt`).
//! - [`index::AppIndex`] is built once per app, in parallel across classes: every call site with
//!   the constant value (or origin) of each argument from intra-procedural constant propagation
//!   (see the `constprop` module docs for the algorithm), every `const-string` and static string
//!   value, every field access, every method's return value.
//! - [`Analysis`] owns an `App` and its `AppIndex` and answers the questions rules ask:
//!   [`Analysis::calls_to`] (subclass-aware call lookup), [`CallSiteView`] and [`ArgView`] for
//!   arguments, [`Analysis::overrides`] and [`shapes`] for method bodies (trust-all managers,
//!   hostname verifiers returning `true`, `SslErrorHandler.proceed()`), string references for
//!   secret scanning, and a [`Location`] for every fact.
//!
//! ```no_run
//! use appvd_dex::{Analysis, DexInput};
//!
//! # fn main() -> std::io::Result<()> {
//! let classes = std::fs::read("classes.dex")?;
//! let analysis = Analysis::new(&[DexInput { name: "classes.dex", data: &classes }]);
//! for call in analysis.calls_to("Ljavax/crypto/Cipher;->getInstance(Ljava/lang/String;)Ljavax/crypto/Cipher;") {
//!     if let Some(transformation) = call.param(0).and_then(|a| a.as_str()) {
//!         if transformation.contains("/ECB/") {
//!             println!("{}: {transformation}\n{}", call.location(), call.evidence(3, 1));
//!         }
//!     }
//! }
//! # Ok(())
//! # }
//! ```

mod accessor;
pub mod anomaly;
pub mod app;
mod cfg;
pub mod class;
pub mod code;
mod constprop;
pub mod disasm;
pub mod error;
pub mod facts;
pub mod file;
pub mod framework;
mod hash;
pub mod ids;
pub mod index;
pub mod insn;
pub mod mutf8;
pub mod opcode;
mod packed;
pub mod query;
mod reader;
pub mod shapes;
pub mod smali;
pub mod symbols;
pub mod value;

pub use anomaly::{Anomaly, AnomalyKind};
pub use app::{App, AppAnomaly, DexInput};
pub use code::CodeItem;
pub use error::DexError;
pub use file::DexFile;
pub use opcode::IndexKind;
pub use query::{Analysis, ArgView, CallSiteView, Location, MethodQuery, MethodView};
