//! The parsers' `SyntaxError`s as diagnostics: each kind's stable `AML0xx` code, the parser's
//! message and its fixes, unchanged.

use crate::diagnostic::{Code, Diagnostic, Fix, TextEdit, codes};
use crate::syntax::{SyntaxError, SyntaxErrorKind, SyntaxFix};

/// The diagnostics for a parse's syntax errors, in the parser's order.
pub fn diagnostics(errors: &[SyntaxError]) -> Vec<Diagnostic> {
    errors.iter().map(diagnostic).collect()
}

pub fn diagnostic(error: &SyntaxError) -> Diagnostic {
    Diagnostic::new(code(error.kind), error.range, error.message.clone()).with_fixes(error.fixes.iter().map(fix))
}

/// Writes the messages of the duplicate-key findings among `shown` (the findings left after
/// the cap), which were recorded without them (`SyntaxError::unwritten`). `errors` are the
/// parse's, sorted by range; `source` is the parsed text.
pub fn write_unwritten(source: &str, errors: &[SyntaxError], shown: &mut [Diagnostic]) {
    for d in shown.iter_mut().filter(|d| d.code == codes::DUPLICATE_KEY && d.message.is_empty()) {
        let key = (d.range.start(), d.range.end());
        let first = errors.partition_point(|e| (e.range.start(), e.range.end()) < key);
        let written = errors[first..]
            .iter()
            .take_while(|e| (e.range.start(), e.range.end()) == key)
            .find_map(|e| e.unwritten.as_ref());
        if let Some(duplicate) = written {
            d.message = duplicate.message(source);
        }
    }
}

/// The code table's entry for each kind of syntax error.
pub fn code(kind: SyntaxErrorKind) -> Code {
    match kind {
        SyntaxErrorKind::YamlSyntax => codes::YAML_SYNTAX,
        SyntaxErrorKind::JsonSyntax => codes::JSON_SYNTAX,
        SyntaxErrorKind::BadIndentation => codes::BAD_INDENTATION,
        SyntaxErrorKind::DuplicateKey => codes::DUPLICATE_KEY,
        SyntaxErrorKind::TabIndentation => codes::TAB_INDENTATION,
        SyntaxErrorKind::UnclosedQuote => codes::UNCLOSED_QUOTE,
        SyntaxErrorKind::UnclosedBracket => codes::UNCLOSED_BRACKET,
        SyntaxErrorKind::TrailingComma => codes::TRAILING_COMMA,
        SyntaxErrorKind::UnsupportedYaml => codes::UNSUPPORTED_YAML,
        SyntaxErrorKind::MultipleDocuments => codes::MULTIPLE_DOCUMENTS,
        SyntaxErrorKind::TooDeep => codes::TOO_DEEP,
        SyntaxErrorKind::ByteOrderMark => codes::BYTE_ORDER_MARK,
        SyntaxErrorKind::MixedLineEndings => codes::MIXED_LINE_ENDINGS,
        SyntaxErrorKind::Tab => codes::YAML_TAB,
        SyntaxErrorKind::UnknownTag => codes::UNKNOWN_YAML_TAG,
    }
}

fn fix(fix: &SyntaxFix) -> Fix {
    let edits = fix.edits.iter().map(|e| TextEdit::replace(e.range, e.new_text.clone())).collect();
    Fix { title: fix.title.clone(), edits, preferred: fix.preferred, safe: fix.safe }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Format, parse};

    #[test]
    fn every_syntax_error_kind_has_a_syntax_family_code() {
        use SyntaxErrorKind::*;
        let all = [
            YamlSyntax,
            JsonSyntax,
            BadIndentation,
            DuplicateKey,
            TabIndentation,
            UnclosedQuote,
            UnclosedBracket,
            TrailingComma,
            UnsupportedYaml,
            MultipleDocuments,
            TooDeep,
            ByteOrderMark,
            MixedLineEndings,
            Tab,
            UnknownTag,
        ];
        let mut numbers: Vec<u16> = all.iter().map(|k| code(*k).number).collect();
        assert!(
            numbers
                .iter()
                .all(|n| crate::diagnostic::codes::Family::of(*n) == crate::diagnostic::codes::Family::Syntax),
            "{numbers:?}"
        );
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), all.len(), "two kinds share a code");
    }

    #[test]
    fn duplicate_keys_past_the_cap_stay_unwritten_and_those_shown_are_written() {
        let text = format!("name: c1\ntype: amlcompute\n{}", "a: 1\n".repeat(crate::check::MAX_DIAGNOSTICS + 10));
        let parsed = parse(&text, Format::Yaml);
        let mut shown = diagnostics(&parsed.errors);
        assert!(shown.iter().all(|d| d.message.is_empty()));
        shown.truncate(3);
        write_unwritten(&text, &parsed.errors, &mut shown);
        let lines: Vec<_> = shown.iter().map(|d| (d.range.start(), d.message.as_str())).collect();
        let message = "`a` is already set on line 3; the YAML loader keeps only this later value. Remove one of them.";
        assert_eq!(lines, [(31, message), (36, message), (41, message)]);
        let result = crate::check::check_text(&text, Some("c.yml"), &Default::default());
        let shown = &result.diagnostics[..result.diagnostics.len() - 1];
        assert!(shown.iter().filter(|d| d.code == codes::DUPLICATE_KEY).all(|d| d.message == message));
        assert_eq!(result.diagnostics.last().unwrap().code, codes::TOO_MANY_FINDINGS);
    }

    #[test]
    fn a_trailing_comma_keeps_its_code_message_and_safe_fix() {
        let parsed = parse("{\"a\": 1,}", Format::Json);
        let d = diagnostic(&parsed.errors[0]);
        assert_eq!(d.code, codes::TRAILING_COMMA);
        assert_eq!(d.message, "JSON does not allow a comma after the last item.");
        assert_eq!(d.fixes.len(), 1);
        assert!(d.fixes[0].safe && d.fixes[0].preferred);
        assert_eq!(d.fixes[0].edits, vec![TextEdit::delete(crate::text::TextRange::new(7, 8))]);
    }
}
