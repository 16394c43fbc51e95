// `sqlx::migrate!` embeds the migration files at compile time, but Cargo does not know they
// are inputs: without this a new migration is not built into the binary until some source
// file of the crate changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
