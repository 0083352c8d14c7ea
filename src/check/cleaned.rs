//! Writing a cleaned copy of an export.
