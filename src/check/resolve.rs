//! Resolving URLs to items of the export.
