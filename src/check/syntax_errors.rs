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
