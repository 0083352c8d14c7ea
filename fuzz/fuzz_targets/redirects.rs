//! The redirect writers and the plan's old URLs: eight items whose links,
//! slugs and old slugs are fuzzer text, so that old URLs collide, lead to
//! other items' new URLs and carry what servers would read as directives;
//! every redirect file must keep one redirect per line in its server's
//! syntax, and every front matter (with its aliases) must still parse
//! (`wxr_fuzz::run`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wxr_fuzz::run(data, 8));
