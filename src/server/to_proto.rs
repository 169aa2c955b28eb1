//! Our plain types to LSP types. Positions are converted here, in the negotiated encoding.

use crate::check::{Diagnostic, DiagnosticTag, Severity, TextEdit};
use crate::ide;
use crate::syntax::text::{LineIndex, PositionEncoding, TextRange};
use tower_lsp_server::ls_types as lsp;

/// A text and its line index, for converting many positions.
pub struct Positions<'a> {
    pub text: &'a str,
    pub index: LineIndex,
    pub encoding: PositionEncoding,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str, encoding: PositionEncoding) -> Self {
        Positions { text, index: LineIndex::new(text), encoding }
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        let lc = self.index.line_col(self.text, offset, self.encoding);
        lsp::Position { line: lc.line, character: lc.col }
    }

    pub fn range(&self, range: TextRange) -> lsp::Range {
        lsp::Range { start: self.position(range.start()), end: self.position(range.end()) }
    }

    pub fn offset(&self, p: lsp::Position) -> usize {
        self.index.offset(self.text, crate::syntax::text::LineCol { line: p.line, col: p.character }, self.encoding)
    }

    pub fn text_edit(&self, e: &TextEdit) -> lsp::TextEdit {
        lsp::TextEdit { range: self.range(e.range), new_text: e.new_text.clone() }
    }
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(pos: &Positions, d: &Diagnostic) -> lsp::Diagnostic {
    let href = crate::diagnostic::docs::link(&d.code).and_then(|link| link.parse::<lsp::Uri>().ok());
    let tags: Vec<lsp::DiagnosticTag> = d
        .tags
        .iter()
        .map(|t| match t {
            DiagnosticTag::Unnecessary => lsp::DiagnosticTag::UNNECESSARY,
            DiagnosticTag::Deprecated => lsp::DiagnosticTag::DEPRECATED,
        })
        .collect();
    lsp::Diagnostic {
        range: pos.range(d.range),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.id())),
        code_description: href.map(|href| lsp::CodeDescription { href }),
        source: Some("aml-compute-ls".to_string()),
        message: d.message.clone(),
        related_information: None,
        tags: (!tags.is_empty()).then_some(tags),
        data: Some(serde_json::json!({ "slug": d.code.slug })),
    }
}

pub fn completion_item(pos: &Positions, item: &ide::CompletionItem) -> lsp::CompletionItem {
    use ide::CompletionKind as K;
    let kind = match item.kind {
        K::Field => lsp::CompletionItemKind::FIELD,
        K::Value => lsp::CompletionItemKind::VALUE,
        K::EnumMember => lsp::CompletionItemKind::ENUM_MEMBER,
        K::Boolean => lsp::CompletionItemKind::KEYWORD,
        K::VmSize => lsp::CompletionItemKind::CONSTANT,
        K::Region => lsp::CompletionItemKind::CONSTANT,
        K::Url => lsp::CompletionItemKind::REFERENCE,
        K::Snippet => lsp::CompletionItemKind::SNIPPET,
    };
    let text_edit = item.replace_range.map(|r| {
        lsp::CompletionTextEdit::Edit(lsp::TextEdit { range: pos.range(r), new_text: item.insert_text.clone() })
    });
    lsp::CompletionItem {
        label: item.label.clone(),
        kind: Some(kind),
        detail: item.detail.clone(),
        documentation: item.documentation.as_ref().map(|d| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: d.clone() })
        }),
        sort_text: Some(item.sort_text.clone()),
        filter_text: Some(item.label.clone()),
        insert_text: text_edit.is_none().then(|| item.insert_text.clone()),
        insert_text_format: Some(if item.is_snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit,
        ..Default::default()
    }
}

#[allow(deprecated)]
pub fn symbol(pos: &Positions, s: &ide::Symbol) -> lsp::DocumentSymbol {
    use ide::SymbolKind as K;
    let kind = match s.kind {
        K::Compute => lsp::SymbolKind::MODULE,
        K::Object => lsp::SymbolKind::OBJECT,
        K::Array => lsp::SymbolKind::ARRAY,
        K::String => lsp::SymbolKind::STRING,
        K::Number => lsp::SymbolKind::NUMBER,
        K::Boolean => lsp::SymbolKind::BOOLEAN,
        K::Null => lsp::SymbolKind::NULL,
    };
    let range = pos.range(s.range);
    let selection = pos.range(s.selection_range);
    lsp::DocumentSymbol {
        name: if s.name.is_empty() { " ".to_string() } else { s.name.clone() },
        detail: s.detail.clone(),
        kind,
        tags: None,
        deprecated: None,
        range,
        // LSP requires the selection range inside the full range.
        selection_range: if selection.start >= range.start && selection.end <= range.end { selection } else { range },
        children: (!s.children.is_empty()).then(|| s.children.iter().map(|c| symbol(pos, c)).collect()),
    }
}
