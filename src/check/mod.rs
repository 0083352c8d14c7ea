//! `wxr check`: the pingback and trackback audit.

pub mod cleaned;
pub mod resolve;
