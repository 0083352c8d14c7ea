//! Any bytes through the reader, strict, lenient and salvaging, then through
//! the JSON emitters: it must return records or an error, never panic or
//! hang (libFuzzer's -timeout catches hangs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxr::emit::{Format, emitter};
use wxr::read::{ReadOptions, Reader};

fuzz_target!(|data: &[u8]| {
    for opts in [
        ReadOptions::default(),
        ReadOptions { salvage: true, strict: false },
        ReadOptions { salvage: false, strict: true },
    ] {
        let Ok(mut reader) = Reader::from_read(Box::new(std::io::Cursor::new(data.to_vec())), "fuzz".into(), opts)
        else {
            continue;
        };
        let mut json = emitter(Format::Json, Vec::new());
        let mut jsonl = emitter(Format::Jsonl, Vec::new());
        while let Ok(Some(record)) = reader.next_record() {
            json.record(&record).expect("writing to memory");
            jsonl.record(&record).expect("writing to memory");
        }
        json.finish().expect("writing to memory");
        jsonl.finish().expect("writing to memory");
        let _ = reader.diagnostics();
    }
});
