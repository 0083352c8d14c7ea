//! Any bytes through the reader, strict, lenient and salvaging, then through
//! the JSON and SQL emitters: it must return records or an error, never panic or
//! hang (libFuzzer's -timeout catches hangs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxr::emit::sql::Dialect;
use wxr::emit::{Format, emitter};
use wxr::output::Output;
use wxr::read::{ReadOptions, Reader};

fuzz_target!(|data: &[u8]| {
    for opts in [
        ReadOptions::default(),
        ReadOptions::default().with_salvage(true),
        ReadOptions::default().with_strict(true),
    ] {
        let Ok(mut reader) = Reader::builder()
            .options(opts)
            .name("fuzz")
            .build(std::io::Cursor::new(data.to_vec()))
        else {
            continue;
        };
        let sinks: Vec<Output> = (0..5)
            .map(|_| {
                Output::InPlace(
                    std::fs::OpenOptions::new()
                        .write(true)
                        .open("/dev/null")
                        .expect("/dev/null"),
                )
            })
            .collect();
        let mut outs: Vec<_> = [
            Format::Json,
            Format::Jsonl,
            Format::Sql(Dialect::Sqlite),
            Format::Sql(Dialect::Postgres),
            Format::Sql(Dialect::Mysql),
        ]
        .into_iter()
        .zip(&sinks)
        .map(|(f, sink)| emitter(f, sink).expect("a stream format"))
        .collect();
        while let Ok(Some(record)) = reader.next_record() {
            for out in &mut outs {
                out.record(&record).expect("writing to /dev/null");
            }
        }
        for out in &mut outs {
            out.finish().expect("writing to /dev/null");
        }
        let _ = reader.diagnostics();
    }
});
