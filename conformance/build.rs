//! Rebuilds the harness when the fixtures or the choice documents change, so
//! that the copy embedded in the binary is never stale.

fn main() {
    println!("cargo:rerun-if-changed=../fixtures");
    println!("cargo:rerun-if-changed=../docs");
}
