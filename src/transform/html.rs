//! HTML → Markdown (CommonMark + GFM) for post bodies, on html5ever (via
//! scraper's DOM).
//!
//! The input is a body after WordPress's own filters (blocks, wpautop,
//! shortcodes): HTML. The output keeps the document's structure and text:
//!
//! * paragraphs, headings, emphasis, links (with titles), images (alt,
//!   title), nested lists, blockquotes, horizontal rules, hard breaks;
//! * fenced code with the language from `class="language-x"`, `lang-x`,
//!   `lang:x`, `brush: x`, `lang="x"` or `data-lang`, the text byte-exact;
//! * GFM tables, with their columns' alignment, when every row is plain
//!   (no merged cells, no block content in a cell, no caption),
//!   strikethrough;
//! * `<figure>` kept as HTML around Markdown content (CommonMark reads the
//!   Markdown between the blank lines), `<figcaption>` kept;
//! * everything Markdown cannot express (iframes, scripts, forms, video,
//!   complex tables, definition lists…) kept as raw HTML, never dropped,
//!   and listed in [`Converted::raw_html`];
//! * Markdown-special characters escaped only where they would change the
//!   meaning, so shortcodes such as `[gallery ids="1,2"]` stay as written;
//!   a pipe in text always, since kramdown (Jekyll's Markdown) makes a
//!   table row of any line with one.
//!
//! `<!--more-->` becomes [`MORE`] on its own line, for the emitter to turn
//! into the generator's summary divider.
//!
//! Footnotes of the block editor (WordPress 6.3+) become GFM footnotes: a
//! reference `<sup data-fn="id">` becomes `[^N]`, numbered in order of
//! first appearance, and the texts of the footnotes list
//! (`<ol class="wp-block-footnotes">`, one `<li id="id">` per footnote, as
//! WordPress renders it) become definitions `[^N]: …` at the end of the
//! body, without the list's back links. A reference without a text stays
//! its number, `<sup>N</sup>`, and is listed in
//! [`Converted::missing_footnotes`]; a text without a reference still gets
//! its definition, and is listed in [`Converted::unreferenced_footnotes`].
//!
//! The conversion is a recursive walk, and a bounded one: elements more
//! than [`MAX_DEPTH`] levels deep (html5ever builds trees thousands of
//! levels deep from broken HTML, such as a `<strong>` left open in every
//! paragraph) are written as their text: every word, a paragraph at each
//! block or table cell, line breaks, images and code kept, the elements
//! Markdown keeps as raw HTML (iframes, scripts…) kept as such. The elements whose
//! tags are left out are listed in [`Converted::flattened`]. Every other
//! walk over the tree is a loop.

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::node::Element;
use scraper::{Html, Node};
use std::collections::{HashMap, HashSet};

/// What `<!--more-->` becomes: a line of its own that the Markdown emitter
/// replaces by the generator's summary divider.
pub const MORE: &str = "<!--more-->";

/// The levels of elements the conversion follows; deeper ones are written
/// as text. Real posts nest a dozen levels, page builders' div soups a few
/// dozen. The walk renders on threads with 2 MiB stacks, where an
/// unoptimized build overflows after some 550 levels: the limit leaves a
/// wide margin. It also bounds the work, which is not linear in the depth
/// (each level of quotes or lists re-indents all it holds).
pub const MAX_DEPTH: usize = 64;

/// The result of a conversion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    /// The Markdown.
    pub markdown: String,
    /// Names of the elements kept as raw HTML, in document order.
    pub raw_html: Vec<String>,
    /// The body had a `<!--more-->` divider.
    pub more: bool,
    /// The `src` of every image, in document order (as written in the HTML).
    pub images: Vec<String>,
    /// Ids of the footnote references without a footnote text, in order.
    pub missing_footnotes: Vec<String>,
    /// Ids of the footnote texts that no reference points at, in order.
    pub unreferenced_footnotes: Vec<String>,
    /// Names of the elements nested deeper than [`MAX_DEPTH`] whose tags
    /// were left out (their content written as text), in document order.
    pub flattened: Vec<String>,
}

/// Plain text (a commenter's name, a ping's title) as Markdown text on one
/// line: whitespace runs become one space, and what Markdown or HTML would
/// read as markup (`*`, `_`, brackets, `<tag`, entities…) is escaped.
pub fn markdown_text(s: &str) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    escape_text(&line, Brackets::All, true)
}

/// Converts an HTML fragment to Markdown.
pub fn html_to_markdown(html: &str) -> Converted {
    html_to_markdown_with(html, &|_| None, MORE)
}

/// Converts an HTML fragment to Markdown, giving each link and image URL
/// to `link` (which may return a replacement, for internal links), and
/// writing `more` for `<!--more-->`.
pub fn html_to_markdown_with(html: &str, link: &dyn Fn(&str) -> Option<String>, more: &str) -> Converted {
    let doc = Html::parse_fragment(html);
    let mut c = Converter {
        raw_html: Vec::new(),
        more: false,
        more_pending: false,
        images: Vec::new(),
        link,
        divider: more,
        notes: Notes::default(),
        brackets: Brackets::Text,
        in_cell: false,
        depth: 0,
        flattened: Vec::new(),
    };
    let root = doc.root_element();
    c.notes.find(*root);
    let mut blocks = c.blocks(*root);
    blocks.extend(c.footnote_definitions(&doc));
    let mut markdown = join_blocks(&blocks);
    if markdown.contains(BLOCK) {
        markdown.retain(|c| c != BLOCK);
    }
    Converted {
        markdown,
        raw_html: c.raw_html,
        more: c.more,
        images: c.images,
        missing_footnotes: c.notes.missing,
        unreferenced_footnotes: c.notes.unreferenced,
        flattened: c.flattened,
    }
}

/// The footnotes of a body: the texts found in its footnotes lists, and
/// the references met so far.
#[derive(Default)]
struct Notes {
    /// Footnote id → its `<li>`.
    texts: HashMap<String, NodeId>,
    /// The ids of `texts`, in the lists' order.
    listed: Vec<String>,
    /// The footnotes lists, written as definitions instead.
    lists: HashSet<NodeId>,
    /// Ids referenced or defined, in order: footnote N is `order[N - 1]`.
    order: Vec<String>,
    /// The back link of the footnote being written, left out.
    backlink: Option<String>,
    missing: Vec<String>,
    unreferenced: Vec<String>,
}

impl Notes {
    /// Finds the footnotes lists under `root`: `<ol class="wp-block-footnotes">`
    /// whose items all have an id (the first text of an id wins).
    fn find(&mut self, root: NodeRef<'_, Node>) {
        for n in root.descendants() {
            let Node::Element(e) = n.value() else { continue };
            if e.name() != "ol" || !e.classes().any(|c| c == "wp-block-footnotes") {
                continue;
            }
            let items: Vec<_> = n.children().filter(|c| c.value().is_element()).collect();
            let ids: Option<Vec<(String, NodeRef<'_, Node>)>> = items
                .iter()
                .map(|li| match li.value() {
                    Node::Element(le) if le.name() == "li" => le
                        .id()
                        .filter(|id| !id.trim().is_empty())
                        .map(|id| (id.to_string(), *li)),
                    _ => None,
                })
                .collect();
            let Some(ids) = ids.filter(|ids| !ids.is_empty()) else {
                continue;
            };
            // Text directly in the list (broken HTML) would be lost: such
            // a list stays a list.
            if n.children()
                .any(|c| c.value().as_text().is_some_and(|t| !t.trim().is_empty()))
            {
                continue;
            }
            self.lists.insert(n.id());
            for (id, li) in ids {
                // An item with nothing but its back link has no text.
                if !self.texts.contains_key(&id) && has_text(li, &format!("#{id}-link")) {
                    self.listed.push(id.clone());
                    self.texts.insert(id, li.id());
                }
            }
        }
    }

    /// The number of footnote `id`, given at its first reference.
    fn number(&mut self, id: &str) -> usize {
        match self.order.iter().position(|o| o == id) {
            Some(i) => i + 1,
            None => {
                self.order.push(id.to_string());
                self.order.len()
            }
        }
    }
}

/// True when `li` shows something besides its back link to `backlink`.
/// One pass, counting the back links open (not a walk up from every node:
/// the tree may be thousands of levels deep).
fn has_text(li: NodeRef<'_, Node>, backlink: &str) -> bool {
    let is_backlink = |n: NodeRef<'_, Node>| matches!(n.value(), Node::Element(e) if e.name() == "a" && e.attr("href") == Some(backlink));
    let mut in_backlink = 0usize;
    for edge in li.traverse() {
        match edge {
            Edge::Open(n) => {
                if is_backlink(n) {
                    in_backlink += 1;
                }
                let shows = match n.value() {
                    Node::Text(t) => !t.trim().is_empty(),
                    Node::Element(e) => matches!(e.name(), "img" | "iframe" | "video" | "audio" | "svg"),
                    _ => false,
                };
                if shows && in_backlink == 0 {
                    return true;
                }
            }
            Edge::Close(n) => {
                if is_backlink(n) {
                    in_backlink = in_backlink.saturating_sub(1);
                }
            }
        }
    }
    false
}

/// The footnote id a `<sup>` refers to: its `data-fn`, or for
/// `<sup class="fn"><a href="#id">`, the link's target.
fn footnote_ref(node: NodeRef<'_, Node>, e: &Element) -> Option<String> {
    if let Some(id) = e.attr("data-fn").map(str::trim).filter(|id| !id.is_empty()) {
        return Some(id.to_string());
    }
    if !e.classes().any(|c| c == "fn") {
        return None;
    }
    node.children().find_map(|c| match c.value() {
        Node::Element(a) if a.name() == "a" => a
            .attr("href")
            .and_then(|h| h.strip_prefix('#'))
            .filter(|id| !id.is_empty())
            .map(str::to_string),
        _ => None,
    })
}

/// Elements whose content is laid out as blocks: those Markdown writes as
/// blocks, and those it keeps as raw HTML.
fn is_block(name: &str) -> bool {
    is_raw_block(name)
        || matches!(
            name,
            "p" | "div"
                | "section"
                | "article"
                | "aside"
                | "header"
                | "footer"
                | "main"
                | "nav"
                | "hgroup"
                | "figure"
                | "figcaption"
                | "blockquote"
                | "pre"
                | "ul"
                | "ol"
                | "li"
                | "table"
                | "hr"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
        )
}

/// Block elements Markdown cannot express: kept as raw HTML.
fn is_raw_block(name: &str) -> bool {
    matches!(
        name,
        "dl" | "details"
            | "fieldset"
            | "form"
            | "iframe"
            | "script"
            | "style"
            | "noscript"
            | "video"
            | "audio"
            | "object"
            | "embed"
            | "canvas"
            | "svg"
            | "math"
            | "textarea"
            | "select"
            | "template"
            | "address"
            | "center"
            | "menu"
            | "dt"
            | "dd"
            | "summary"
    )
}

/// Inline elements kept as HTML tags around Markdown content.
fn is_kept_inline(name: &str) -> bool {
    matches!(
        name,
        "sup"
            | "sub"
            | "u"
            | "mark"
            | "kbd"
            | "abbr"
            | "small"
            | "q"
            | "cite"
            | "ins"
            | "dfn"
            | "var"
            | "samp"
            | "time"
            | "big"
            | "acronym"
            | "bdi"
            | "bdo"
            | "ruby"
            | "rt"
            | "rp"
            | "data"
            | "label"
            | "button"
            | "input"
            | "wbr"
            | "map"
            | "area"
            | "picture"
            | "source"
            | "track"
            | "param"
    )
}

struct Converter<'l> {
    raw_html: Vec<String>,
    more: bool,
    /// A `<!--more-->` met inside a paragraph: its divider goes after the
    /// paragraph, which it does not split.
    more_pending: bool,
    images: Vec<String>,
    link: &'l dyn Fn(&str) -> Option<String>,
    divider: &'l str,
    notes: Notes,
    /// How brackets are escaped in the text being written.
    brackets: Brackets,
    /// In a table cell, whose pipes are all escaped at once (in code too).
    in_cell: bool,
    /// The levels of the walk entered (see [`MAX_DEPTH`]).
    depth: usize,
    flattened: Vec<String>,
}

impl Converter<'_> {
    /// The definitions of the footnotes: those referenced, in order, then
    /// those no reference points at.
    fn footnote_definitions(&mut self, doc: &Html) -> Vec<String> {
        let mut defs = Vec::new();
        let mut done = 0;
        let mut listed = 0;
        loop {
            // A footnote's text may hold references too: they are numbered
            // as they are met.
            while done < self.notes.order.len() {
                let id = self.notes.order[done].clone();
                done += 1;
                if let Some(li) = self.notes.texts.get(&id).and_then(|&li| doc.tree.get(li)) {
                    defs.push(self.footnote_definition(done, li, &id));
                }
            }
            // Then the texts no reference points at, in the lists' order.
            while listed < self.notes.listed.len() && self.notes.order.contains(&self.notes.listed[listed]) {
                listed += 1;
            }
            let Some(id) = self.notes.listed.get(listed).cloned() else {
                break;
            };
            self.notes.unreferenced.push(id.clone());
            self.notes.order.push(id);
        }
        defs
    }

    /// A footnote reference: `[^n]`, or `<sup>n</sup>` without a text.
    fn footnote_ref(&mut self, node: NodeRef<'_, Node>, e: &Element) -> String {
        let id = footnote_ref(node, e).unwrap_or_default();
        let n = self.notes.number(&id);
        if self.notes.texts.contains_key(&id) {
            return format!("[^{n}]");
        }
        if !self.notes.missing.contains(&id) {
            self.notes.missing.push(id);
        }
        format!("<sup>{n}</sup>")
    }

    /// `[^n]: text`, lines after the first indented to stay in the
    /// definition.
    fn footnote_definition(&mut self, n: usize, li: NodeRef<'_, Node>, id: &str) -> String {
        self.notes.backlink = Some(format!("#{id}-link"));
        let text = join_blocks(&self.blocks(li));
        self.notes.backlink = None;
        let mut s = format!("[^{n}]:");
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                s.push('\n');
            }
            if !line.is_empty() {
                s.push_str(if i == 0 { " " } else { "    " });
                s.push_str(line);
            }
        }
        s
    }

    /// Renders the children of `node` as a list of blocks.
    fn blocks(&mut self, node: NodeRef<'_, Node>) -> Vec<String> {
        let mut out = Vec::new();
        if self.depth >= MAX_DEPTH {
            paragraphs(&self.flatten(node), true, &mut out);
            return out;
        }
        self.depth += 1;
        self.blocks_within(node, &mut out);
        self.depth -= 1;
        out
    }

    /// Writes the divider of a `<!--more-->` met in the paragraph just
    /// written.
    fn place_more(&mut self, out: &mut Vec<String>) {
        if std::mem::take(&mut self.more_pending) {
            out.push(self.divider.to_string());
        }
    }

    /// [`Self::blocks`], one level down.
    fn blocks_within(&mut self, node: NodeRef<'_, Node>, out: &mut Vec<String>) {
        let mut inline = String::new();
        for child in node.children() {
            match child.value() {
                Node::Element(e) if is_block(e.name()) => {
                    flush_paragraph(&mut inline, out);
                    self.place_more(out);
                    let b = if matches!(e.name(), "ul" | "ol") {
                        // Two lists in a row would read as one.
                        let after_list = out
                            .last()
                            .is_some_and(|p| is_list_block(p) && !p.starts_with(['*']) && !list_uses_paren(p));
                        self.list(child, e, after_list)
                    } else {
                        self.block(child, e)
                    };
                    if let Some(b) = b {
                        out.push(b);
                    }
                    self.place_more(out);
                }
                Node::Comment(c) if is_more(c) && inline.trim().is_empty() => {
                    flush_paragraph(&mut inline, out);
                    self.place_more(out);
                    self.more = true;
                    out.push(self.divider.to_string());
                }
                // A comment between blocks stays, on its own; inside a
                // paragraph it is dropped (it shows nothing, and a comment
                // at the start of a line would end the paragraph).
                Node::Comment(c) if inline.trim().is_empty() => {
                    flush_paragraph(&mut inline, out);
                    self.place_more(out);
                    out.push(format!("<!--{}-->", &**c));
                }
                _ => inline.push_str(&self.inline(child)),
            }
        }
        flush_paragraph(&mut inline, out);
        self.place_more(out);
    }

    /// Renders one block element; `None` when it has nothing to show.
    fn block(&mut self, node: NodeRef<'_, Node>, e: &Element) -> Option<String> {
        let name = e.name();
        if is_raw_block(name) {
            return Some(self.raw(node, e));
        }
        let text = match name {
            "p" => {
                let mut parts = Vec::new();
                paragraphs(&self.inline_children(node), false, &mut parts);
                if parts.is_empty() {
                    return None;
                }
                parts.join("\n\n")
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = usize::from(name.as_bytes()[1] - b'0');
                let mut s = one_line(&self.inline_children(node));
                s.retain(|c| c != BLOCK);
                if s.is_empty() {
                    return None;
                }
                format!(
                    "{} {}",
                    "#".repeat(level),
                    escape_closing_hashes(&escape_line_starts(&s))
                )
            }
            "hr" => "---".to_string(),
            "blockquote" => {
                let inner = join_blocks(&self.blocks(node));
                if inner.is_empty() {
                    return None;
                }
                prefix_lines(&inner, "> ", ">")
            }
            "ul" | "ol" => return self.list(node, e, false),
            // Formatting a fence would lose: the block as it is.
            "pre" if has_formatting(node) => self.raw(node, e),
            "pre" => code_block(node, e),
            "table" => match self.table(node) {
                Some(t) => t,
                None => self.raw(node, e),
            },
            "figure" => {
                let inner = join_blocks(&self.blocks(node));
                format!("<figure{}>\n\n{inner}\n\n</figure>", attrs_html(e, self.link))
            }
            // An HTML block: its content is not read as Markdown, so the
            // caption stays HTML.
            "figcaption" => {
                let inner = scraper::ElementRef::wrap(node)
                    .map(|r| r.inner_html())
                    .unwrap_or_default();
                format!(
                    "<figcaption{}>{}</figcaption>",
                    attrs_html(e, self.link),
                    one_line(&inner)
                )
            }
            // Containers: their content stands on its own.
            _ => {
                let inner = join_blocks(&self.blocks(node));
                if inner.is_empty() {
                    return None;
                }
                inner
            }
        };
        Some(text)
    }

    /// A list; `alt` uses the other marker (`*`, `N)`), so that a list
    /// right after another one is not merged into it.
    fn list(&mut self, node: NodeRef<'_, Node>, e: &Element, alt: bool) -> Option<String> {
        if self.notes.lists.contains(&node.id()) {
            // Written as definitions at the end.
            return None;
        }
        if self.depth >= MAX_DEPTH {
            self.flattened.push(e.name().to_string());
            let out = self.blocks(node);
            return (!out.is_empty()).then(|| join_blocks(&out));
        }
        self.depth += 1;
        let list = self.list_within(node, e, alt);
        self.depth -= 1;
        list
    }

    /// [`Self::list`], one level down. What stands directly in the list
    /// besides its items (broken HTML: text, `<br>`, `<p>`, a list without
    /// its `<li>`) is shown as a browser shows it: text and blocks between
    /// the items, outside the list (which goes on after them, numbered on),
    /// line breaks as nothing, and a nested list under the item before it.
    fn list_within(&mut self, node: NodeRef<'_, Node>, e: &Element, alt: bool) -> Option<String> {
        enum Piece {
            Item(String, String),
            Outside(String),
        }
        let ordered = e.name() == "ol";
        let mut n: u64 = e.attr("start").and_then(|s| s.trim().parse().ok()).unwrap_or(1);
        let mut pieces: Vec<Piece> = Vec::new();
        let mut loose = false;
        // Inline content met directly in the list, not yet written.
        let mut run = String::new();
        let flush = |run: &mut String, pieces: &mut Vec<Piece>| {
            let mut out = Vec::new();
            paragraphs(&std::mem::take(run), true, &mut out);
            pieces.extend(out.into_iter().map(Piece::Outside));
        };
        for child in node.children() {
            let ce = match child.value() {
                Node::Element(ce) if ce.name() == "li" || is_block(ce.name()) => ce,
                _ => {
                    run.push_str(&self.inline(child));
                    continue;
                }
            };
            flush(&mut run, &mut pieces);
            if ce.name() != "li" {
                let Some(block) = self.block(child, ce) else { continue };
                match pieces.last_mut() {
                    // A list without its item: under the item before it.
                    Some(Piece::Item(_, body)) if is_list_block(&block) => {
                        body.push_str(if body.is_empty() { "" } else { "\n" });
                        body.push_str(&block);
                    }
                    _ => pieces.push(Piece::Outside(block)),
                }
                continue;
            }
            let content_blocks = self.blocks(child);
            // A nested list follows its item's text directly (a tight list);
            // two paragraphs in one item make the list loose.
            loose |= content_blocks.iter().filter(|b| !is_list_block(b)).count() > 1;
            let mut body = String::new();
            let mut prev_list = true;
            for b in &content_blocks {
                if !body.is_empty() {
                    // A list that cannot interrupt a paragraph (one not
                    // starting at 1, or with an empty first item) follows
                    // a blank line.
                    let tight = is_list_block(b) && (prev_list || interrupts_paragraph(b));
                    body.push_str(if tight { "\n" } else { "\n\n" });
                }
                prev_list = is_list_block(b);
                body.push_str(b);
            }
            let marker = match (ordered, alt) {
                (true, _) => {
                    let m = format!("{n}{}", if alt { ')' } else { '.' });
                    n += 1;
                    m
                }
                (false, false) => "-".to_string(),
                (false, true) => "*".to_string(),
            };
            pieces.push(Piece::Item(marker, body));
        }
        flush(&mut run, &mut pieces);
        if pieces.is_empty() {
            return None;
        }
        let item = |marker: &str, body: &str| {
            let pad = " ".repeat(marker.len() + 1);
            if body.is_empty() {
                return marker.to_string();
            }
            let mut s = String::new();
            for (i, line) in body.split('\n').enumerate() {
                if i == 0 {
                    s.push_str(marker);
                    s.push(' ');
                } else {
                    s.push('\n');
                    if !line.is_empty() {
                        s.push_str(&pad);
                    }
                }
                s.push_str(line);
            }
            s
        };
        // Runs of items are lists; what stands between them, blocks.
        let mut blocks: Vec<String> = Vec::new();
        let mut list: Vec<String> = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Item(marker, body) => list.push(item(&marker, &body)),
                Piece::Outside(block) => {
                    if !list.is_empty() {
                        blocks.push(std::mem::take(&mut list).join(if loose { "\n\n" } else { "\n" }));
                    }
                    blocks.push(block);
                }
            }
        }
        if !list.is_empty() {
            blocks.push(list.join(if loose { "\n\n" } else { "\n" }));
        }
        Some(join_blocks(&blocks))
    }

    /// A GFM table, when every cell holds inline content and no cell is
    /// merged; `None` otherwise.
    fn table(&mut self, node: NodeRef<'_, Node>) -> Option<String> {
        // GFM has no caption: such a table stays HTML.
        if node
            .children()
            .any(|c| matches!(c.value(), Node::Element(e) if e.name() == "caption"))
        {
            return None;
        }
        let mut rows: Vec<(bool, Vec<String>)> = Vec::new();
        let mut aligns: Vec<Option<&'static str>> = Vec::new();
        for tr in node
            .descendants()
            .filter(|n| matches!(n.value(), Node::Element(e) if e.name() == "tr"))
        {
            let mut cells = Vec::new();
            let mut header = true;
            let mut any_th = false;
            for cell in tr.children() {
                let Node::Element(ce) = cell.value() else { continue };
                if !matches!(ce.name(), "td" | "th") {
                    return None;
                }
                if ce.attr("colspan").is_some_and(|v| v.trim() != "1")
                    || ce.attr("rowspan").is_some_and(|v| v.trim() != "1")
                {
                    return None;
                }
                if cell
                    .descendants()
                    .any(|d| matches!(d.value(), Node::Element(x) if is_block(x.name())))
                {
                    return None;
                }
                header &= ce.name() == "th";
                any_th |= ce.name() == "th";
                // A column's alignment: its header cell's, or else its
                // first body cell's.
                let i = cells.len();
                if rows.len() <= 1 {
                    if aligns.len() <= i {
                        aligns.resize(i + 1, None);
                    }
                    aligns[i] = aligns[i].or_else(|| alignment(ce));
                }
                let text = escape_line_starts(&one_line(&self.inline_children_in_table(cell)));
                cells.push(text.replace('|', "\\|"));
            }
            // GFM has one header row, of header cells, and no header cells
            // elsewhere; other tables stay HTML.
            if any_th && !(rows.is_empty() && header) {
                return None;
            }
            rows.push((header && any_th, cells));
        }
        let width = rows.first()?.1.len();
        if width == 0 || !rows[0].0 || rows.iter().any(|(_, c)| c.len() != width) {
            return None;
        }
        let (head, body) = (rows[0].1.clone(), &rows[1..]);
        let delims: Vec<&str> = (0..width)
            .map(|i| match aligns.get(i).copied().flatten() {
                Some("left") => ":--",
                Some("center") => ":-:",
                Some("right") => "--:",
                _ => "---",
            })
            .collect();
        let mut s = format!("| {} |\n| {} |", head.join(" | "), delims.join(" | "));
        for (_, cells) in body {
            s.push_str(&format!("\n| {} |", cells.join(" | ")));
        }
        Some(s)
    }

    /// An element kept as HTML, without blank lines (they would end a
    /// CommonMark HTML block early) outside `<pre>`-like content.
    fn raw(&mut self, node: NodeRef<'_, Node>, e: &Element) -> String {
        self.raw_html.push(e.name().to_string());
        let mut html = scraper::ElementRef::wrap(node).map(|r| r.html()).unwrap_or_default();
        self.rewrite_urls(node, &mut html);
        if matches!(e.name(), "script" | "style" | "textarea") || html.contains("<pre") {
            return html;
        }
        let mut out = String::with_capacity(html.len());
        for line in html.split('\n') {
            if !line.trim().is_empty() {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(line);
            }
        }
        out
    }

    /// Points the URLs of an element kept as HTML (`src`, `href`, `poster`,
    /// `srcset`, in it and its descendants) at their new places.
    fn rewrite_urls(&self, node: NodeRef<'_, Node>, html: &mut String) {
        let attr_html = |v: &str| {
            v.replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('\u{a0}', "&nbsp;")
        };
        for n in node.descendants() {
            let Node::Element(e) = n.value() else { continue };
            for (name, value) in e.attrs() {
                let new = match name {
                    "src" | "href" | "poster" => (self.link)(value),
                    "srcset" => {
                        let mut changed = false;
                        let parts: Vec<String> = value
                            .split(',')
                            .map(|c| {
                                let c = c.trim();
                                let (url, size) = c.split_once(' ').unwrap_or((c, ""));
                                match (self.link)(url) {
                                    Some(u) => {
                                        changed = true;
                                        format!("{u} {size}").trim_end().to_string()
                                    }
                                    None => c.to_string(),
                                }
                            })
                            .collect();
                        changed.then(|| parts.join(", "))
                    }
                    _ => None,
                };
                if let Some(new) = new {
                    let old = format!("{name}=\"{}\"", attr_html(value));
                    *html = html.replace(&old, &format!("{name}=\"{}\"", attr_html(&new)));
                }
            }
        }
    }

    fn inline_children(&mut self, node: NodeRef<'_, Node>) -> String {
        if self.depth >= MAX_DEPTH {
            return self.flatten(node);
        }
        self.depth += 1;
        // Emphasis markers only work next to the right characters, so each
        // emphasis is written once its neighbours are known.
        let parts: Vec<Part> = node.children().map(|c| self.inline_part(c)).collect();
        self.depth -= 1;
        join_parts(&parts)
    }

    /// The content of `node`, too deep to follow (see [`MAX_DEPTH`]), as
    /// inline content: its text, a paragraph break at the edges of each
    /// block, line breaks, images, code, and the elements Markdown keeps as
    /// raw HTML, as such. The elements whose tags are left out are listed in
    /// `flattened`; the footnotes lists are left out (written as
    /// definitions at the end).
    fn flatten(&mut self, node: NodeRef<'_, Node>) -> String {
        let mut s = String::new();
        // The element whose content is not walked, until it closes.
        let mut skip: Option<NodeId> = None;
        for edge in node.traverse() {
            match edge {
                Edge::Open(n) | Edge::Close(n) if n.id() == node.id() => {}
                Edge::Close(n) if skip == Some(n.id()) => skip = None,
                _ if skip.is_some() => {}
                Edge::Open(n) => match n.value() {
                    Node::Element(_) if self.notes.lists.contains(&n.id()) => skip = Some(n.id()),
                    // Written whole, as everywhere (none of them is a walk).
                    Node::Element(e)
                        if is_raw_block(e.name()) || matches!(e.name(), "pre" | "code" | "tt" | "br" | "img") =>
                    {
                        s.push_str(&self.inline(n));
                        skip = Some(n.id());
                    }
                    Node::Element(e) => {
                        self.flattened.push(e.name().to_string());
                        if separates(e.name()) {
                            s.push_str("\n\n");
                        }
                    }
                    _ => s.push_str(&self.inline(n)),
                },
                Edge::Close(n) => {
                    if let Node::Element(e) = n.value()
                        && separates(e.name())
                    {
                        s.push_str("\n\n");
                    }
                }
            }
        }
        s
    }

    fn inline_part(&mut self, child: NodeRef<'_, Node>) -> Part {
        if let Node::Element(e) = child.value() {
            let kind = match e.name() {
                "strong" | "b" => Some(("**", "strong")),
                "em" | "i" => Some(("*", "em")),
                "del" | "s" | "strike" => Some(("~~", "del")),
                _ => None,
            };
            if let Some((marker, tag)) = kind {
                if has_block_child(child) && self.depth < MAX_DEPTH {
                    return Part::Text(self.emphasis_around_blocks(child, marker, tag));
                }
                return Part::Emphasis {
                    inner: self.inline_children(child),
                    marker,
                    tag,
                };
            }
        }
        Part::Text(self.inline(child))
    }

    /// An emphasis around blocks (`<strong><p>a</p><p>b</p></strong>`, which
    /// old editors made and browsers show all in bold): Markdown's cannot
    /// span a paragraph break, and its markers would stand alone as
    /// paragraphs (`**`). So each paragraph, and each run of inline content
    /// between blocks, gets its own; other blocks (lists, quotes, code)
    /// are written as they are.
    fn emphasis_around_blocks(&mut self, node: NodeRef<'_, Node>, marker: &'static str, tag: &'static str) -> String {
        self.depth += 1;
        let mut out = String::new();
        let mut run: Vec<Part> = Vec::new();
        // The spaces around stay outside the markers.
        let emphasis = |inner: String| {
            let body = inner.trim();
            if body.is_empty() {
                return inner;
            }
            let lead = &inner[..inner.len() - inner.trim_start().len()];
            let trail = &inner[inner.trim_end().len()..];
            let part = Part::Emphasis {
                inner: body.to_string(),
                marker,
                tag,
            };
            format!("{lead}{}{trail}", join_parts(&[part]))
        };
        for c in node.children() {
            match c.value() {
                Node::Element(e) if is_block(e.name()) => {
                    out.push_str(&emphasis(join_parts(&std::mem::take(&mut run))));
                    if e.name() == "p" {
                        let inner = self.inline_children(c);
                        out.push_str(&format!("\n\n{}\n\n", emphasis(inner)));
                    } else {
                        out.push_str(&self.inline(c));
                    }
                }
                _ => run.push(self.inline_part(c)),
            }
        }
        out.push_str(&emphasis(join_parts(&run)));
        self.depth -= 1;
        out
    }

    /// A link around blocks (`<a><h2>…</h2><p>…</p></a>`, a card, which
    /// HTML allows and browsers show all linked): Markdown's link text
    /// cannot hold a block, so each paragraph, heading and run of inline
    /// content gets its own link to `dest` (`(url "title")`); a block
    /// holding those (`<div>`) is followed into; other blocks (lists,
    /// quotes, code) are written as they are.
    fn link_around_blocks(&mut self, node: NodeRef<'_, Node>, dest: &str) -> String {
        self.depth += 1;
        let saved = self.brackets;
        self.brackets = Brackets::All;
        let linked = |inner: String| {
            let (lead, body, trail) = edges(&inner);
            if body.trim().is_empty() {
                return inner;
            }
            format!("{lead}[{body}]{dest}{trail}")
        };
        let mut out = String::new();
        let mut run = String::new();
        for c in node.children() {
            let Node::Element(e) = c.value() else {
                run.push_str(&self.inline(c));
                continue;
            };
            if !is_block(e.name()) {
                run.push_str(&self.inline(c));
                continue;
            }
            out.push_str(&linked(std::mem::take(&mut run)));
            match e.name() {
                "p" => {
                    let inner = self.inline_children(c);
                    out.push_str(&format!("\n\n{}\n\n", linked(inner)));
                }
                name @ ("h1" | "h2" | "h3" | "h4" | "h5" | "h6") => {
                    let level = usize::from(name.as_bytes()[1] - b'0');
                    let inner = one_line(&self.inline_children(c));
                    out.push_str(&format!(
                        "\n\n{BLOCK}{} {}{BLOCK}\n\n",
                        "#".repeat(level),
                        linked(inner.trim().to_string())
                    ));
                }
                "div" | "section" | "article" | "header" | "footer" | "figure" if self.depth < MAX_DEPTH => {
                    let inner = self.link_around_blocks(c, dest);
                    out.push_str(&format!("\n\n{inner}\n\n"));
                }
                _ => out.push_str(&self.inline(c)),
            }
        }
        out.push_str(&linked(run));
        self.brackets = saved;
        self.depth -= 1;
        out
    }

    /// Inline content of a table cell: line breaks become `<br>`.
    fn inline_children_in_table(&mut self, node: NodeRef<'_, Node>) -> String {
        let saved = std::mem::replace(&mut self.in_cell, true);
        let text = self.inline_children(node).replace("\\\n", "<br>");
        self.in_cell = saved;
        text
    }

    /// Renders a node in inline context.
    fn inline(&mut self, node: NodeRef<'_, Node>) -> String {
        match node.value() {
            Node::Text(t) => escape_text(&collapse_ws(t), self.brackets, !self.in_cell),
            Node::Element(e) => self.inline_element(node, e),
            // wpautop leaves `<!--more-->` in a paragraph: it stands alone.
            Node::Comment(c) if is_more(c) => {
                self.more = true;
                self.more_pending = true;
                String::new()
            }
            _ => String::new(),
        }
    }

    fn inline_element(&mut self, node: NodeRef<'_, Node>, e: &Element) -> String {
        match e.name() {
            "strong" | "b" | "em" | "i" | "del" | "s" | "strike" => join_parts(&[self.inline_part(node)]),
            // Code holding a link (often misnested: `<code>a <a>b</code>
            // c</a>`): Markdown's code span cannot hold one, HTML's can,
            // and Markdown inside it stays Markdown.
            "code" | "tt" if has_inside(node, |e| e.name() == "a" && e.attr("href").is_some()) => {
                format!("<code>{}</code>", self.inline_children(node))
            }
            // Code with line breaks: a code span would join its lines.
            "code" | "tt" if has_inside(node, |e| e.name() == "br") => code_with_breaks(node),
            "code" | "tt" => inline_code(&text_of(node)),
            "br" => "\\\n".to_string(),
            "img" => {
                if let Some(src) = e.attr("src") {
                    self.images.push(src.to_string());
                }
                image(e, self.link, !self.in_cell)
            }
            "a" if self.notes.backlink.is_some() && e.attr("href") == self.notes.backlink.as_deref() => String::new(),
            "sup" if footnote_ref(node, e).is_some() => self.footnote_ref(node, e),
            "a" => {
                let Some(href) = e.attr("href") else {
                    return self.inline_children(node);
                };
                if has_block_child(node) && self.depth < MAX_DEPTH {
                    let dest = format!(
                        "({}{})",
                        link_dest(&(self.link)(href).unwrap_or_else(|| href.to_string())),
                        title_part(e.attr("title"))
                    );
                    return self.link_around_blocks(node, &dest);
                }
                // Brackets in link text must balance, or be escaped.
                let saved = self.brackets;
                self.brackets = Brackets::of_link_text(&link_text(node));
                let text = self.inline_children(node);
                self.brackets = saved;
                let href = (self.link)(href).unwrap_or_else(|| href.to_string());
                // Spaces and line breaks at the edges of the text stand
                // outside the link: kept, and never inside its brackets.
                let (lead, body, trail) = edges(&text);
                format!(
                    "{lead}[{body}]({}{}){trail}",
                    link_dest(&href),
                    title_part(e.attr("title"))
                )
            }
            name if is_kept_inline(name) => {
                let inner = self.inline_children(node);
                if matches!(name, "wbr" | "input" | "area" | "source" | "track" | "param") {
                    format!("<{name}{}>", attrs_html(e, self.link))
                } else {
                    format!("<{name}{}>{inner}</{name}>", attrs_html(e, self.link))
                }
            }
            // span, font and anything else inline: their content.
            name if !is_block(name) => self.inline_children(node),
            // A block inside inline context (broken nesting): its blocks,
            // on their own lines.
            _ => {
                let blocks = self.block(node, e).unwrap_or_default();
                format!("\n\n{BLOCK}{blocks}{BLOCK}\n\n")
            }
        }
    }
}

/// The alignment of a table cell: `left`, `center` or `right`, from its
/// `style` (`text-align`), `align`, `data-align` or WordPress's
/// `has-text-align-…` class.
fn alignment(e: &Element) -> Option<&'static str> {
    let norm = |v: &str| match v.trim().to_ascii_lowercase().as_str() {
        "left" | "start" => Some("left"),
        "center" => Some("center"),
        "right" | "end" => Some("right"),
        _ => None,
    };
    if let Some(style) = e.attr("style") {
        let found = style.split(';').find_map(|d| {
            let (k, v) = d.split_once(':')?;
            (k.trim().eq_ignore_ascii_case("text-align")).then(|| norm(v.trim_end_matches("!important")))?
        });
        if found.is_some() {
            return found;
        }
    }
    if let Some(a) = e.attr("align").or_else(|| e.attr("data-align")).and_then(norm) {
        return Some(a);
    }
    e.classes()
        .find_map(|c| c.strip_prefix("has-text-align-").and_then(norm))
}

/// Elements whose text, written flat, is apart from its neighbours': the
/// blocks, and the parts of tables.
fn separates(name: &str) -> bool {
    is_block(name)
        || matches!(
            name,
            "tr" | "td" | "th" | "caption" | "thead" | "tbody" | "tfoot" | "legend" | "option" | "optgroup"
        )
}

/// `<!--more-->`, with or without a custom "read more" text.
fn is_more(comment: &str) -> bool {
    comment.trim() == "more" || comment.trim_start().starts_with("more ")
}

/// A rendered list: text blocks never start with an unescaped marker.
fn is_list_block(b: &str) -> bool {
    b.starts_with("- ") || b == "-" || b.starts_with("* ") || b == "*" || {
        let digits = b.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && (b[digits..].starts_with('.') || b[digits..].starts_with(')'))
    }
}

/// An ordered list written with `N)` markers.
fn list_uses_paren(b: &str) -> bool {
    let digits = b.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && b[digits..].starts_with(')')
}

/// Ends the paragraph being gathered.
fn flush_paragraph(inline: &mut String, out: &mut Vec<String>) {
    paragraphs(inline, true, out);
    inline.clear();
}

/// Around a block met in inline context (and `<!--more-->`), which is
/// written as it is: the text around it is escaped. It never occurs in a
/// parsed document (html5ever drops or replaces NUL).
const BLOCK: char = '\0';

/// The blocks of gathered inline content: paragraphs, each without the
/// breaks and spaces at its edges (and around its line breaks when
/// `trim_lines`) and with its line starts escaped, and the blocks met in
/// inline context (between two [`BLOCK`]s), as they are.
fn paragraphs(inline: &str, trim_lines: bool, out: &mut Vec<String>) {
    for (i, segment) in inline.split(BLOCK).enumerate() {
        if i % 2 == 1 {
            if !segment.trim().is_empty() {
                out.push(segment.to_string());
            }
            continue;
        }
        // Paragraphs cut by a block in inline context come out as several.
        for part in segment.split("\n\n") {
            let p = trim_breaks(part);
            if !p.is_empty() {
                out.push(if trim_lines {
                    escape_line_starts(&trim_line_ends(p))
                } else {
                    escape_line_starts(p)
                });
            }
        }
    }
}

/// The text of a link, as far as its brackets go (code spans left out:
/// their brackets are literal). One pass, counting the code elements open
/// (not a walk up from every text: the tree may be thousands of levels
/// deep).
fn link_text(node: NodeRef<'_, Node>) -> String {
    let is_code = |n: NodeRef<'_, Node>| {
        n.id() != node.id() && matches!(n.value(), Node::Element(e) if matches!(e.name(), "code" | "tt"))
    };
    let mut s = String::new();
    let mut in_code = 0usize;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Text(t) if in_code == 0 => s.push_str(t),
                _ if is_code(n) => in_code += 1,
                _ => {}
            },
            Edge::Close(n) => {
                if is_code(n) {
                    in_code = in_code.saturating_sub(1);
                }
            }
        }
    }
    s
}

/// A heading's text ending with `#`s after a space would lose them (they
/// read as a closing sequence): they are escaped.
fn escape_closing_hashes(s: &str) -> String {
    let rest = s.trim_end_matches('#');
    if rest.len() == s.len() || !(rest.is_empty() || rest.ends_with(' ')) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() * 2);
    out.push_str(rest);
    for _ in rest.len()..s.len() {
        out.push_str("\\#");
    }
    out
}

/// A rendered list that can interrupt a paragraph: its first item is not
/// empty, and an ordered one starts at 1.
fn interrupts_paragraph(list: &str) -> bool {
    let first = list.split('\n').next().unwrap_or("");
    let digits = first.bytes().take_while(u8::is_ascii_digit).count();
    let marker = if digits > 0 {
        if &first[..digits] != "1" {
            return false;
        }
        digits + 1
    } else {
        1
    };
    first.len() > marker + 1 && !first[marker + 1..].trim().is_empty()
}

/// A paragraph without the line breaks (`\` + newline) and spaces at its
/// edges: a `<br>` there shows nothing in HTML, but would be a literal
/// backslash in Markdown.
fn trim_breaks(mut p: &str) -> &str {
    loop {
        let t = p.trim_matches(|c: char| c == ' ' || c == '\n');
        // An odd run of backslashes at the end ends in a break's own.
        let trailing = t.len() - t.trim_end_matches('\\').len();
        let t = if trailing % 2 == 1 { &t[..t.len() - 1] } else { t };
        let t = t.strip_prefix("\\\n").unwrap_or(t);
        if t.len() == p.len() {
            return t;
        }
        p = t;
    }
}

/// Removes spaces around newlines left by collapsed whitespace.
fn trim_line_ends(s: &str) -> String {
    s.split('\n')
        .map(|l| l.trim_matches(' '))
        .collect::<Vec<_>>()
        .join("\n")
}

fn join_blocks(blocks: &[String]) -> String {
    blocks
        .iter()
        .filter(|b| !b.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn prefix_lines(text: &str, prefix: &str, empty: &str) -> String {
    text.split('\n')
        .map(|l| {
            if l.is_empty() {
                empty.to_string()
            } else {
                format!("{prefix}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Headings and captions are one line.
fn one_line(s: &str) -> String {
    s.replace("\\\n", " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// HTML whitespace collapsing: runs of whitespace become one space.
fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// The text of a node and its descendants, as the browser shows it.
fn text_of(node: NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        match d.value() {
            Node::Text(t) => s.push_str(t),
            Node::Element(e) if e.name() == "br" => s.push('\n'),
            _ => {}
        }
    }
    s
}

/// How brackets are escaped in a text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Brackets {
    /// Outside link text: `]` before `(` or `:` (an inline link, a link
    /// reference definition), `[` before `^` (a footnote reference); all
    /// others stay, so that shortcodes stay as written. No link reference
    /// definition can be made (every `]:` is escaped), so `[a][b]` and
    /// `[a]` are never links.
    Text,
    /// In link text or alt text whose brackets balance: none escaped.
    Balanced,
    /// In link text or alt text whose brackets do not balance, or hold a
    /// link or a footnote reference: every one escaped.
    All,
}

impl Brackets {
    /// The escaping of the brackets of `text`, the text of a link or an
    /// alt text.
    fn of_link_text(text: &str) -> Brackets {
        let mut depth = 0usize;
        let mut prev = 0u8;
        for &b in text.as_bytes() {
            match b {
                b'[' => depth += 1,
                b']' if depth == 0 => return Brackets::All,
                b']' => depth -= 1,
                b'(' if prev == b']' => return Brackets::All,
                b'^' if prev == b'[' => return Brackets::All,
                _ => {}
            }
            prev = b;
        }
        if depth == 0 { Brackets::Balanced } else { Brackets::All }
    }
}

/// Escapes what would otherwise be read as inline Markdown (line starts
/// are escaped later, on the assembled paragraph: see
/// [`escape_line_starts`]). Only where the meaning would change: `_` not
/// between two alphanumerics (intraword `_` never opens or closes
/// emphasis), brackets as `brackets` says, so that shortcodes such as
/// `[su_tab title="A"]` stay as written; `|` with `pipes` (kramdown,
/// Jekyll's Markdown, makes a table row of any line with a pipe, such as
/// `{{ "now" | date: "%Y" }}`; a table cell escapes its pipes itself).
fn escape_text(s: &str, brackets: Brackets, pipes: bool) -> String {
    let unlinked = if brackets == Brackets::Text {
        unlinked_urls(s, pipes)
    } else {
        Vec::new()
    };
    escape_except(s, brackets, pipes, &unlinked)
}

/// [`escape_text`], with the signs at the offsets `unlinked` written as
/// character references.
fn escape_except(s: &str, brackets: Brackets, pipes: bool, unlinked: &[usize]) -> String {
    let bytes = s.as_bytes();
    let special =
        |b: u8| matches!(b, b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'&' | b'~') || (pipes && b == b'|');
    if unlinked.is_empty() && !bytes.iter().any(|&b| special(b)) {
        return s.to_string();
    }
    let mut unlinked = unlinked.iter().copied().peekable();
    let mut out = String::with_capacity(s.len() + 8);
    let mut done = 0;
    for (i, &c) in bytes.iter().enumerate() {
        if unlinked.next_if_eq(&i).is_some() {
            out.push_str(&s[done..i]);
            out.push_str(if c == b':' { "&#58;" } else { "&#46;" });
            done = i + 1;
            continue;
        }
        if !special(c) {
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let esc: Option<&str> = match c {
            b'\\' | b'`' | b'*' | b'~' | b'|' => Some("\\"),
            b'_' => {
                // A run of underscores between alphanumerics is intraword.
                let run_start = s[..i].trim_end_matches('_');
                let run_end = s[i..].trim_start_matches('_');
                let before = run_start.chars().next_back().is_some_and(char::is_alphanumeric);
                let after = run_end.chars().next().is_some_and(char::is_alphanumeric);
                (!(before && after)).then_some("\\")
            }
            b'[' | b']' if brackets == Brackets::All => Some("\\"),
            b']' if brackets == Brackets::Text && matches!(next, Some(b'(' | b':')) => Some("\\"),
            // `[^x]` would be a footnote reference.
            b'[' if brackets == Brackets::Text && next == Some(b'^') => Some("\\"),
            b'<' if next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, b'/' | b'!' | b'?')) => {
                out.push_str(&s[done..i]);
                out.push_str("&lt;");
                done = i + 1;
                None
            }
            b'&' if looks_like_entity(&bytes[i + 1..]) => {
                out.push_str(&s[done..i + 1]);
                out.push_str("amp;");
                done = i + 1;
                None
            }
            _ => None,
        };
        if let Some(e) = esc {
            out.push_str(&s[done..i]);
            out.push_str(e);
            done = i;
        }
    }
    out.push_str(&s[done..]);
    out
}

/// Where a bare URL of `s` (`http://`, `https://`, `ftp://` or `www.`
/// after a space, an opening sign or the start) holds a sign that
/// [`escape_text`] escapes: the byte offset of its `:` or of the `.` after
/// `www`, written as a character reference so that no renderer makes an
/// autolink of it. WordPress shows such a URL as text; a linkifying renderer
/// (Hugo's Goldmark, Astro's remark-gfm) would stop its link at the first
/// backslash (a link to a truncated URL) or keep the backslashes in the
/// link and its text.
fn unlinked_urls(s: &str, pipes: bool) -> Vec<usize> {
    let bytes = s.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(off) = s[at..].find(['h', 'f', 'w']) {
        let start = at + off;
        at = start + 1;
        let after_boundary = start == 0 || matches!(bytes[start - 1], b' ' | b'\t' | b'\n' | b'(' | b'*' | b'_' | b'~');
        if !after_boundary {
            continue;
        }
        let rest = &s[start..];
        let mark = ["http://", "https://", "ftp://", "www."]
            .iter()
            .find(|p| rest.len() > p.len() && rest.starts_with(*p))
            .map(|p| {
                if p.starts_with('w') {
                    start + 3
                } else {
                    start + p.len() - 3
                }
            });
        let Some(mark) = mark else { continue };
        let end = s[start..].find([' ', '\t', '\n', '<']).map_or(s.len(), |e| start + e);
        let url = &s[start..end];
        if escape_except(url, Brackets::Text, pipes, &[]) != url {
            found.push(mark);
        }
        at = end;
    }
    found
}

/// `&name;` or `&#…;` would be decoded by a Markdown renderer.
fn looks_like_entity(rest: &[u8]) -> bool {
    for (n, &c) in rest.iter().take(32).enumerate() {
        if c == b';' {
            return n > 0;
        }
        if !(c.is_ascii_alphanumeric() || c == b'#') {
            return false;
        }
    }
    false
}

/// Escapes characters that start a block construct at the start of a line:
/// headings, quotes, list markers, thematic breaks, setext underlines.
fn escape_line_starts(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let body = line.trim_start_matches(' ');
        out.push_str(&line[..line.len() - body.len()]);
        let b = body.as_bytes();
        let needs = match b.first() {
            Some(b'#' | b'>' | b'=' | b'|') => true,
            Some(b'-' | b'+') => b.len() == 1 || b.get(1).is_some_and(|c| *c == b' ' || *c == b'-'),
            // A definition (PHP Markdown Extra's syntax, which Hugo's
            // Goldmark reads after any paragraph, even past a blank line).
            Some(b':') => b.len() == 1 || matches!(b.get(1), Some(b' ' | b'\t')),
            Some(c) if c.is_ascii_digit() => {
                let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
                matches!(b.get(digits), Some(b'.' | b')')) && (b.len() == digits + 1 || b[digits + 1] == b' ')
            }
            _ => false,
        };
        if needs {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 {
                out.push_str(&body[..digits]);
                out.push('\\');
                out.push_str(&body[digits..]);
            } else {
                out.push('\\');
                out.push_str(body);
            }
        } else {
            out.push_str(body);
        }
    }
    out
}

/// A piece of inline content.
enum Part {
    /// Already Markdown.
    Text(String),
    /// Emphasis, strong emphasis or strikethrough around Markdown.
    Emphasis {
        inner: String,
        marker: &'static str,
        tag: &'static str,
    },
}

/// Whether an element inside `node` is one `wanted` says.
fn has_inside(node: NodeRef<'_, Node>, wanted: impl Fn(&Element) -> bool) -> bool {
    node.descendants().any(|d| d.value().as_element().is_some_and(&wanted))
}

/// Whether a child of `node` is a block (an emphasis or a link around
/// blocks).
fn has_block_child(node: NodeRef<'_, Node>) -> bool {
    node.children()
        .any(|c| matches!(c.value(), Node::Element(e) if is_block(e.name())))
}

/// Inline code holding line breaks, as HTML: its text with spaces
/// collapsed as a browser shows them, `<br>` between its lines, and every
/// character Markdown or HTML would read written as a reference.
fn code_with_breaks(node: NodeRef<'_, Node>) -> String {
    let mut s = String::from("<code>");
    let mut space = false;
    for d in node.descendants() {
        match d.value() {
            Node::Element(e) if e.name() == "br" => {
                s.push_str("<br>");
                space = false;
            }
            Node::Text(t) => {
                for c in t.chars() {
                    if c.is_whitespace() {
                        space = true;
                        continue;
                    }
                    if space && !s.ends_with("<br>") && !s.ends_with("<code>") {
                        s.push(' ');
                    }
                    space = false;
                    match c {
                        '&' => s.push_str("&amp;"),
                        '<' => s.push_str("&lt;"),
                        '>' => s.push_str("&gt;"),
                        c if c.is_ascii_punctuation() => s.push_str(&format!("&#{};", c as u32)),
                        c => s.push(c),
                    }
                }
            }
            _ => {}
        }
    }
    s.push_str("</code>");
    s
}

/// Splits an inline text into its leading edge, its body and its trailing
/// edge, the edges being spaces and hard line breaks (a backslash before a
/// newline): what must stand outside a link's brackets or emphasis
/// markers, where Markdown would drop it or break on it.
fn edges(s: &str) -> (&str, &str, &str) {
    let mut start = 0;
    loop {
        let rest = &s[start..];
        if rest.starts_with(' ') || rest.starts_with('\n') {
            start += 1;
        } else if rest.starts_with("\\\n") {
            start += 2;
        } else {
            break;
        }
    }
    let mut end = s.len();
    while end > start {
        let head = &s[start..end];
        if head.ends_with(' ') || (head.ends_with('\n') && !head.ends_with("\\\n")) {
            end -= 1;
        } else if head.ends_with("\\\n") {
            end -= 2;
        } else {
            break;
        }
    }
    (&s[..start], &s[start..end], &s[end..])
}

/// Joins inline pieces, writing each emphasis with markers where
/// CommonMark will read them as emphasis, and as HTML tags elsewhere
/// (next to another marker, or where punctuation inside meets a letter
/// outside: `a*(b)*c` is not emphasis).
fn join_parts(parts: &[Part]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        let (inner, marker, tag) = match part {
            Part::Text(t) => {
                out.push_str(t);
                continue;
            }
            Part::Emphasis { inner, marker, tag } => (inner, *marker, *tag),
        };
        let (lead, body, trail) = edges(inner);
        out.push_str(lead);
        if body.is_empty() {
            out.push_str(trail);
            continue;
        }
        let m = marker.chars().next().unwrap_or('*');
        let prev = if lead.is_empty() {
            out.chars().next_back()
        } else {
            Some(' ')
        };
        let next = if !trail.is_empty() {
            Some(' ')
        } else {
            parts[i + 1..].iter().find_map(|p| match p {
                Part::Text(t) => t.chars().next(),
                Part::Emphasis { marker, .. } => marker.chars().next(),
            })
        };
        let first = body.chars().next().unwrap_or(' ');
        let last = body.chars().next_back().unwrap_or(' ');
        let open_ok = !(is_punct(first) && prev.is_some_and(|p| !p.is_whitespace() && !is_punct(p)));
        let close_ok = !(is_punct(last) && next.is_some_and(|n| !n.is_whitespace() && !is_punct(n)));
        let clash = first == m || last == m || prev == Some(m) || next == Some(m) || body.ends_with('\\');
        if open_ok && close_ok && !clash {
            out.push_str(marker);
            out.push_str(body);
            out.push_str(marker);
        } else {
            out.push_str(&format!("<{tag}>{body}</{tag}>"));
        }
        out.push_str(trail);
    }
    out
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || (!c.is_alphanumeric() && !c.is_whitespace() && !c.is_ascii())
}

/// Inline code with a fence longer than any backtick run inside.
fn inline_code(text: &str) -> String {
    let text = text.replace('\n', " ");
    if text.is_empty() {
        return String::new();
    }
    let longest = longest_run(&text, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || (text.starts_with(' ') && text.ends_with(' ')) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn longest_run(s: &str, c: char) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for x in s.chars() {
        if x == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// An image; `pipes` as for [`escape_text`].
fn image(e: &Element, link: &dyn Fn(&str) -> Option<String>, pipes: bool) -> String {
    let alt = collapse_ws(e.attr("alt").unwrap_or(""));
    let alt = escape_text(&alt, Brackets::of_link_text(&alt), pipes);
    match e.attr("src") {
        Some(src) => {
            let src = link(src).unwrap_or_else(|| src.to_string());
            format!("![{alt}]({}{})", link_dest(&src), title_part(e.attr("title")))
        }
        None => String::new(),
    }
}

/// A link destination: `<…>` when it has spaces or unbalanced parentheses.
fn link_dest(url: &str) -> String {
    let url = url.trim();
    let balanced = url.chars().filter(|&c| c == '(').count() == url.chars().filter(|&c| c == ')').count();
    if url.is_empty() || url.contains([' ', '<', '>', '\n']) || !balanced {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E").replace('\n', ""))
    } else {
        url.to_string()
    }
}

fn title_part(title: Option<&str>) -> String {
    match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!(" \"{}\"", t.replace('\\', "\\\\").replace('"', "\\\"")),
        None => String::new(),
    }
}

/// Attributes as HTML, for elements kept as HTML, with URLs (`src`,
/// `href`, `poster`) pointed at their new places.
fn attrs_html(e: &Element, link: &dyn Fn(&str) -> Option<String>) -> String {
    let mut s = String::new();
    for (name, value) in e.attrs() {
        let new = matches!(name, "src" | "href" | "poster").then(|| link(value)).flatten();
        let value = new.as_deref().unwrap_or(value);
        s.push(' ');
        s.push_str(name);
        s.push_str("=\"");
        s.push_str(&value.replace('&', "&amp;").replace('"', "&quot;"));
        s.push('"');
    }
    s
}

/// Whether a `<pre>` holds formatting a code fence cannot show (emphasis,
/// a citation, a link…).
fn has_formatting(node: NodeRef<'_, Node>) -> bool {
    has_inside(node, |e| {
        matches!(
            e.name(),
            "em" | "strong"
                | "b"
                | "i"
                | "u"
                | "cite"
                | "abbr"
                | "a"
                | "mark"
                | "del"
                | "s"
                | "strike"
                | "ins"
                | "sub"
                | "sup"
                | "q"
                | "dfn"
                | "var"
                | "kbd"
                | "samp"
                | "small"
                | "big"
                | "img"
        )
    })
}

/// The text of a `<pre>` as a browser shows it: `<br>` is a line break,
/// and so is the edge of a block inside it (`<pre>a<div>b</div>c</pre>`
/// shows three lines).
fn pre_text(node: NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    let new_line = |s: &mut String| {
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
    };
    for edge in node.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) => match n.value() {
                Node::Text(t) => s.push_str(t),
                Node::Element(e) if e.name() == "br" => s.push('\n'),
                Node::Element(e) if n != node && is_block(e.name()) => new_line(&mut s),
                _ => {}
            },
            ego_tree::iter::Edge::Close(n) => {
                if let Node::Element(e) = n.value()
                    && n != node
                    && is_block(e.name())
                {
                    new_line(&mut s);
                }
            }
        }
    }
    s
}

/// A fenced code block: the text byte-exact, the language from the usual
/// WordPress and highlighter conventions.
fn code_block(node: NodeRef<'_, Node>, e: &Element) -> String {
    let text = pre_text(node);
    let code = node.children().find_map(|c| match c.value() {
        Node::Element(ce) if ce.name() == "code" => Some(ce),
        _ => None,
    });
    let lang = code.and_then(language).or_else(|| language(e)).unwrap_or_default();
    let fence = "`".repeat(longest_run(&text, '`').max(2) + 1);
    let body = text.strip_suffix('\n').unwrap_or(&text);
    format!("{fence}{lang}\n{body}\n{fence}")
}

/// The language of a code element, from its attributes.
fn language(e: &Element) -> Option<String> {
    for attr in ["data-lang", "data-language", "lang", "data-enlighter-language"] {
        if let Some(v) = e.attr(attr).map(str::trim).filter(|v| !v.is_empty() && is_lang(v)) {
            return Some(v.to_lowercase());
        }
    }
    let class = e.attr("class")?;
    // SyntaxHighlighter: class="brush: php; gutter: false"
    if let Some(rest) = class.split(';').find_map(|p| p.trim().strip_prefix("brush:")) {
        let v = rest.trim();
        if is_lang(v) {
            return Some(v.to_lowercase());
        }
    }
    for c in class.split_whitespace() {
        for prefix in ["language-", "lang-", "lang:", "highlight-"] {
            if let Some(v) = c.strip_prefix(prefix).filter(|v| is_lang(v)) {
                return Some(v.to_lowercase());
            }
        }
    }
    None
}

fn is_lang(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '#' | '.' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        html_to_markdown(html).markdown
    }

    #[test]
    fn paragraphs_emphasis_links_images() {
        assert_eq!(
            md(
                r#"<p>First <strong>bold</strong> and <em>it</em> with a <a href="https://e.x/a?b=1&amp;c=2" title="T">link</a>.</p><p><img src="/c.jpg" alt="A cat" title="Cat"></p>"#
            ),
            "First **bold** and *it* with a [link](https://e.x/a?b=1&c=2 \"T\").\n\n![A cat](/c.jpg \"Cat\")"
        );
    }

    #[test]
    fn escaping_only_where_needed() {
        assert_eq!(
            md("<p>*stars* and _under_ 2 &lt; 3 [gallery ids=\"1,2\"]</p>"),
            "\\*stars\\* and \\_under\\_ 2 < 3 [gallery ids=\"1,2\"]"
        );
        assert_eq!(
            md("<p>[a](b) and &amp;amp; &lt;b&gt;</p>"),
            "[a\\](b) and &amp;amp; &lt;b>"
        );
        assert_eq!(
            md("<p># not a heading</p><p>1. not a list</p><p>- nor this</p>"),
            "\\# not a heading\n\n1\\. not a list\n\n\\- nor this"
        );
    }

    #[test]
    fn nested_lists() {
        assert_eq!(
            md("<ul><li>one<ul><li>a</li><li>b<ol><li>x</li><li>y</li></ol></li></ul></li><li>two</li></ul>"),
            "- one\n  - a\n  - b\n    1. x\n    2. y\n- two"
        );
        assert_eq!(md("<ol start=\"3\"><li>c</li><li>d</li></ol>"), "3. c\n4. d");
    }

    #[test]
    fn code_blocks_keep_their_text_and_language() {
        assert_eq!(
            md(
                "<pre class=\"wp-block-code\"><code class=\"language-rust\">fn main() {\n    println!(\"&lt;hi&gt; &amp; [x]\");\n}\n</code></pre>"
            ),
            "```rust\nfn main() {\n    println!(\"<hi> & [x]\");\n}\n```"
        );
        assert_eq!(
            md("<pre class=\"brush: php; gutter: false\">//<![CDATA[\n$a = 1;\n//]]></pre>")
                .lines()
                .next(),
            Some("```php")
        );
        assert_eq!(md("<pre>a ``` b</pre>"), "````\na ``` b\n````");
    }

    #[test]
    fn tables_simple_as_gfm_complex_as_html() {
        assert_eq!(
            md(
                "<table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody><tr><td>a</td><td>1 | 2</td></tr></tbody></table>"
            ),
            "| Name | Value |\n| --- | --- |\n| a | 1 \\| 2 |"
        );
        let c = html_to_markdown("<table><tr><td colspan=\"2\">x</td></tr></table>");
        assert!(c.markdown.starts_with("<table>"), "{}", c.markdown);
        assert_eq!(c.raw_html, ["table"]);
    }

    #[test]
    fn what_markdown_cannot_say_stays_html() {
        let c = html_to_markdown(
            "<p>Before</p><iframe src=\"https://www.youtube.com/embed/x\" width=\"560\"></iframe><p>After</p>",
        );
        assert_eq!(
            c.markdown,
            "Before\n\n<iframe src=\"https://www.youtube.com/embed/x\" width=\"560\"></iframe>\n\nAfter"
        );
        assert_eq!(c.raw_html, ["iframe"]);
    }

    #[test]
    fn more_blockquote_breaks_rules_figures() {
        let c = html_to_markdown(
            "<p>Intro</p><!--more--><blockquote><p>Quote<br>line two</p></blockquote><hr><figure class=\"wp-caption\"><img src=\"a.jpg\" alt=\"A\"><figcaption>A <em>caption</em></figcaption></figure>",
        );
        assert!(c.more);
        assert_eq!(
            c.markdown,
            "Intro\n\n<!--more-->\n\n> Quote\\\n> line two\n\n---\n\n<figure class=\"wp-caption\">\n\n![A](a.jpg)\n\n<figcaption>A <em>caption</em></figcaption>\n\n</figure>"
        );
    }

    #[test]
    fn found_by_the_corpus_round_trip() {
        // Two lists in a row stay two lists.
        assert_eq!(md("<ul><li>a</li></ul><ul><li>b</li></ul>"), "- a\n\n* b");
        assert_eq!(md("<ol><li>a</li></ol><ol><li>b</li></ol>"), "1. a\n\n1) b");
        // A line break at the edge of a paragraph shows nothing.
        assert_eq!(md("<p>text<br></p><p><br>more</p>"), "text\n\nmore");
        // Emphasis that CommonMark would not read as such becomes HTML.
        assert_eq!(
            md("<p>a<em>(b)</em>c <strong>x</strong><strong>y</strong></p>"),
            "a<em>(b)</em>c <strong>x</strong>**y**"
        );
        // Header cells outside the first row, or no header row: HTML.
        assert!(md("<table><tr><td>a</td></tr><tr><td>b</td></tr></table>").starts_with("<table>"));
        assert!(md("<table><tr><th>h</th></tr><tr><th>r</th></tr></table>").starts_with("<table>"));
        // `<!--more-->` inside a paragraph (wpautop puts it there) stands alone;
        // other comments inside a paragraph are dropped.
        let c = html_to_markdown("<p>x<!-- note --> y</p><p><!--more--></p><p>z</p>");
        assert_eq!(c.markdown, "x y\n\n<!--more-->\n\nz");
        assert!(c.more);
    }

    #[test]
    fn rendered_footnotes_lists_become_definitions() {
        // Pasted as WordPress renders it: the list holds the texts.
        let c = html_to_markdown(
            r##"<p>Glaze<sup data-fn="a1" class="fn"><a href="#a1" id="a1-link">1</a></sup> and kiln<sup class="fn"><a href="#b2" id="b2-link">2</a></sup>.</p><ol class="wp-block-footnotes"><li id="a1">Ash <strong>and</strong> feldspar. <a href="#a1-link" aria-label="Jump to footnote reference 1">↩︎</a></li><li id="b2">Cone 10. <a href="#b2-link" aria-label="Jump to footnote reference 2">↩︎</a></li></ol><p>After.</p>"##,
        );
        assert_eq!(
            c.markdown,
            "Glaze[^1] and kiln[^2].\n\nAfter.\n\n[^1]: Ash **and** feldspar.\n\n[^2]: Cone 10."
        );
        assert!(c.missing_footnotes.is_empty() && c.unreferenced_footnotes.is_empty());
        // Other ordered lists, or a footnotes list with an item without an
        // id, stay lists; text that looks like a reference is escaped.
        assert_eq!(
            md(r#"<ol class="wp-block-footnotes"><li>no id</li></ol><p>[^1] is literal</p>"#),
            "1. no id\n\n\\[^1] is literal"
        );
        // A reference without a text anywhere keeps its number.
        let c = html_to_markdown(r##"<p>x<sup data-fn="zz" class="fn"><a href="#zz" id="zz-link">4</a></sup></p>"##);
        assert_eq!(c.markdown, "x<sup>1</sup>");
        assert_eq!(c.missing_footnotes, ["zz"]);
    }

    /// `inner` inside `n` nested `tag`s.
    fn nested(tag: &str, n: usize, inner: &str) -> String {
        format!(
            "{}{inner}{}",
            format!("<{tag}>").repeat(n),
            format!("</{tag}>").repeat(n)
        )
    }

    #[test]
    fn content_below_the_limit_is_written_as_text() {
        // Every word, escaped; blocks and cells apart; line breaks, images
        // and raw HTML kept.
        let inner = r#"<p>one <em>*two*</em><br>three <code>a*b</code></p><table><tr><td>four</td><td>five</td></tr></table><iframe src="https://v.example/x"></iframe><img src="/i.png" alt="pic">six<pre class="language-sh">x  *y*</pre>"#;
        let c = html_to_markdown(&nested("div", MAX_DEPTH + 3, inner));
        assert_eq!(
            c.markdown,
            "one \\*two\\*\\\nthree `a*b`\n\nfour\n\nfive\n\n<iframe src=\"https://v.example/x\"></iframe>\n\n![pic](/i.png)six\n\n```sh\nx  *y*\n```"
        );
        assert_eq!(c.raw_html, ["iframe"]);
        assert_eq!(c.images, ["/i.png"]);
        assert_eq!(
            c.flattened,
            ["div", "div", "div", "p", "em", "table", "tbody", "tr", "td", "td"]
        );
        // Up to the limit, nothing is: here the `<em>` is the 64th level.
        let c = html_to_markdown(&nested("div", MAX_DEPTH - 2, "<p>a <em>b</em></p>"));
        assert_eq!((c.markdown.as_str(), c.flattened.len()), ("a *b*", 0));
    }

    #[test]
    fn quotes_lists_and_inline_elements_stop_at_the_limit() {
        let c = html_to_markdown(&nested("blockquote", 3000, "<p>deepest</p>"));
        assert_eq!(c.markdown, format!("{}deepest", "> ".repeat(MAX_DEPTH)));
        assert_eq!(
            c.flattened.len(),
            3000 - MAX_DEPTH + 1,
            "the other quotes and the paragraph"
        );
        // A list item and its list are two levels.
        let c = html_to_markdown(&nested("ul", 3000, "<li>deepest</li>"));
        assert!(c.markdown.ends_with("deepest"), "{}", c.markdown);
        let indent = c.markdown.lines().map(|l| l.len() - l.trim_start().len()).max();
        assert!(indent <= Some(2 * MAX_DEPTH), "{indent:?}");
        assert!(c.flattened.iter().all(|n| n == "ul" || n == "li"));
        let c = html_to_markdown(&format!("<p>{}</p>", nested("span", 3000, "a_b [c](d)")));
        assert_eq!(c.markdown, "a_b [c\\](d)");
        assert_eq!(c.flattened.len(), 3000 - MAX_DEPTH + 1);
        assert!(c.flattened.iter().all(|n| n == "span"));
    }

    #[test]
    fn a_footnotes_list_below_the_limit_is_written_once() {
        let list = r##"<ol class="wp-block-footnotes"><li id="a">Note text <a href="#a-link">↩︎</a></li></ol>"##;
        let c = html_to_markdown(&format!(
            r##"<p>x<sup data-fn="a" class="fn"><a href="#a" id="a-link">1</a></sup></p>{}"##,
            nested("div", MAX_DEPTH + 2, list)
        ));
        assert_eq!(c.markdown, "x[^1]\n\n[^1]: Note text");
    }

    #[test]
    fn footnotes_of_several_blocks_in_headings_and_tables() {
        let c = html_to_markdown(
            r##"<h2>Head<sup data-fn="a" class="fn"><a href="#a" id="a-link">1</a></sup></h2><table><tr><th>x<sup data-fn="b" class="fn"><a href="#b" id="b-link">2</a></sup></th></tr></table><ol class="wp-block-footnotes"><li id="a"><p>Para one.</p><p>Para two.</p><pre><code>code</code></pre> <a href="#a-link">↩︎</a></li><li id="b">B <a href="#b-link">↩︎</a></li><li id="c"><a href="#c-link">↩︎</a></li></ol>"##,
        );
        // Blocks of a definition are indented; an item with only its back
        // link has no text.
        assert_eq!(
            c.markdown,
            "## Head[^1]\n\n| x[^2] |\n| --- |\n\n[^1]: Para one.\n\n    Para two.\n\n    ```\n    code\n    ```\n\n[^2]: B"
        );
        assert!(c.unreferenced_footnotes.is_empty());
    }
}
