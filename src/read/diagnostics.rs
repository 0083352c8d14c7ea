//! Diagnostics and errors: notes at the current position, the XML layer's
//! repairs and the decoding layer's counters turned into diagnostics (with
//! the id of the item they belong to), `--strict`, the end-of-input summary
//! of skipped elements, and the errors that stop reading.

use super::element::Unknown;
use super::xml::XmlError;
use super::{Error, Malformed, Reader};
use crate::diag::counted;
use crate::diag::{Diagnostic, Location, Severity};

impl Reader {
    fn location(&self) -> Location {
        let (line, column) = self.xml.position();
        Location {
            file: self.file.clone(),
            line,
            column,
        }
    }

    /// A diagnostic at the current position.
    fn here(&self, severity: Severity, code: &'static str, message: String) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            message,
            location: Some(self.location()),
            item_id: None,
            count: 1,
        }
    }

    pub(super) fn note(&mut self, severity: Severity, code: &'static str, message: String) {
        let d = self.here(severity, code, message);
        self.diags.push(d);
    }

    /// A diagnostic about the current item, given its id once known.
    pub(super) fn item_note(&mut self, severity: Severity, code: &'static str, message: String) {
        let d = self.here(severity, code, message);
        if self.current.is_some() {
            self.item_diags.push(d);
        } else {
            self.diags.push(d);
        }
    }

    pub(super) fn drain_fixes(&mut self) {
        let item_id = self.current.as_ref().and_then(|c| c.id);
        for fix in std::mem::take(&mut self.xml.fixes) {
            let d = Diagnostic {
                code: fix.code,
                severity: Severity::Repair,
                message: fix.message,
                location: Some(Location {
                    file: self.file.clone(),
                    line: fix.line,
                    column: fix.column,
                }),
                item_id,
                count: 1,
            };
            self.diags.push(d);
        }
        for (code, count) in std::mem::take(&mut self.xml.fixes_over) {
            self.diags.push(Diagnostic {
                code,
                severity: Severity::Repair,
                message: format!(
                    "{} of this kind in the same place",
                    counted(count, "more repair", "more repairs")
                ),
                location: None,
                item_id,
                count,
            });
        }
    }

    pub(super) fn check_strict(&self) -> Result<(), Error> {
        if !self.opts.strict {
            return Ok(());
        }
        if let Some(d) = self.diags.first_repair() {
            return Err(Error::Strict(Box::new(d.clone())));
        }
        if let Some(d) = self
            .input_diagnostics()
            .into_iter()
            .find(|d| d.severity == Severity::Repair)
        {
            return Err(Error::Strict(Box::new(d)));
        }
        Ok(())
    }

    /// Diagnostics for what the decoding layer changed.
    fn input_diagnostics(&self) -> Vec<Diagnostic> {
        let st = self.xml.input().stats();
        let at = |p: Option<(u64, u64)>| {
            p.map(|(line, column)| Location {
                file: self.file.clone(),
                line,
                column,
            })
        };
        let mut out = Vec::new();
        let mut push = |code, severity, message, location, count| {
            out.push(Diagnostic {
                code,
                severity,
                message,
                location,
                item_id: None,
                count,
            })
        };
        if let Some(label) = &st.unknown_label {
            push(
                "input.unknown_encoding",
                Severity::Warning,
                format!("the declared encoding {label:?} is unknown; read as UTF-8"),
                None,
                1,
            );
        }
        if st.invalid_bytes > 0 {
            push(
                "input.invalid_utf8",
                Severity::Repair,
                format!(
                    "{} not valid UTF-8 and read as windows-1252 (the first is here)",
                    counted(st.invalid_bytes, "byte was", "bytes were")
                ),
                at(st.first_invalid),
                st.invalid_bytes,
            );
        }
        if st.malformed_chunks > 0 {
            push(
                "input.malformed_bytes",
                Severity::Repair,
                format!(
                    "bytes that are not valid {} were replaced by U+FFFD (first near here)",
                    st.encoding
                ),
                at(st.first_malformed),
                st.malformed_chunks,
            );
        }
        if st.invalid_units > 0 {
            push(
                "input.malformed_bytes",
                Severity::Repair,
                format!(
                    "{} that {} no character (a surrogate, above U+10FFFF, or a truncated last one) replaced by U+FFFD (the first is here)",
                    counted(
                        st.invalid_units,
                        &format!("{} code unit", st.encoding),
                        &format!("{} code units", st.encoding)
                    ),
                    if st.invalid_units == 1 { "is" } else { "are" }
                ),
                at(st.first_invalid_unit),
                st.invalid_units,
            );
        }
        let refs = self.xml.dropped_char_refs;
        if st.control_chars + refs > 0 {
            push(
                "input.control_chars",
                Severity::Repair,
                format!(
                    "removed {} that XML 1.0 forbids{}",
                    counted(st.control_chars + refs, "control character", "control characters"),
                    if st.first_control.is_some() {
                        " (the first is here)"
                    } else {
                        " (written as character references)"
                    }
                ),
                at(st.first_control),
                st.control_chars + refs,
            );
        }
        out
    }

    /// End of input: turn the counters into diagnostics (once).
    pub(super) fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        for d in self.input_diagnostics() {
            self.diags.push(d);
        }
        let undeclared = self.xml.undeclared_other();
        if undeclared > 0 {
            self.diags.push(Diagnostic {
                code: "xml.undeclared_prefix",
                severity: Severity::Repair,
                message: format!(
                    "{} namespace prefixes never declared, beyond the first {} distinct ones reported; read as an unknown namespace",
                    counted(undeclared, "more element used", "more elements used"),
                    super::xml::MAX_UNDECLARED
                ),
                location: None,
                item_id: None,
                count: undeclared,
            });
        }
        for u in std::mem::take(&mut self.unknown) {
            let Unknown {
                qname,
                parent,
                count,
                first,
            } = u;
            self.diags.push(Diagnostic {
                code: "wxr.unknown_element",
                severity: Severity::Notice,
                message: format!(
                    "<{qname}> inside <{parent}> is not part of WXR; skipped {} (the first is here)",
                    counted(count, "time", "times")
                ),
                location: Some(first),
                item_id: None,
                count,
            });
        }
        if self.unknown_other > 0 {
            self.diags.push(Diagnostic {
                code: "wxr.unknown_element",
                severity: Severity::Notice,
                message: format!(
                    "{} of other names not part of WXR skipped",
                    counted(self.unknown_other, "more element", "more elements")
                ),
                location: None,
                item_id: None,
                count: self.unknown_other,
            });
        }
    }

    pub(super) fn not_wxr(&mut self, reason: String) -> Error {
        self.done = true;
        Error::NotWxr {
            file: self.file.clone(),
            reason,
        }
    }

    pub(super) fn malformed(&self, e: XmlError) -> Error {
        if e.io {
            return Error::Io {
                file: self.file.clone(),
                source: std::io::Error::other(e.message),
            };
        }
        Error::Malformed(Box::new(Malformed {
            location: Location {
                file: self.file.clone(),
                line: e.line,
                column: e.column,
            },
            message: e.message,
            item: self.current.clone(),
            complete_items: self.complete_items,
        }))
    }
}

#[cfg(test)]
mod tests {
    use crate::read::testing::read;
    use crate::read::{Error, ReadOptions};

    #[test]
    fn forbidden_character_references_are_dropped_and_counted() {
        let (items, d) = read("<item><title>a&#12;b&#x1;c&#9;d</title></item>", ReadOptions::default());
        assert_eq!(items.unwrap()[0].title.as_deref(), Some("abc\td"));
        assert_eq!(
            d.groups()
                .iter()
                .find(|g| g.code == "input.control_chars")
                .map(|g| g.count),
            Some(2)
        );
    }

    #[test]
    fn strict_fails_on_the_first_repair() {
        let (items, _) = read(
            "<item><title>AT&T</title></item>",
            ReadOptions {
                salvage: false,
                strict: true,
            },
        );
        assert!(matches!(items, Err(Error::Strict(_))), "{items:?}");
    }
}
