//! The hand-written runtime of `halopsa` is layered: its modules depend on each
//! other in one direction only, never in a circle (ARCHITECTURE.md, "Runtime
//! layers").
//!
//! The test reads every file under `generated-client/src/runtime`, finds each
//! path that names runtime code (`use super::..`, `crate::runtime::..`,
//! `super::x::f()` inside a function, `$crate::runtime::..` in a macro),
//! resolves it through the re-exports of `mod.rs` files to the module that
//! defines the item, and checks two kinds of graph: the runtime's top-level
//! modules (a folder counts as one), and the modules inside each folder. Test
//! code (`#[cfg(test)]`) is left out: a test may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Attribute, Item, UseTree, Visibility};

/// Modules that still import each other in a circle, as `(folder, the
/// modules of the circle)`; `""` is the runtime itself. Any other circle
/// fails the test, and so does one of these once it is gone, so that the
/// exception goes with it.
const KNOWN_CIRCLES: &[(&str, &[&str])] = &[
    // `Extra` decodes its keys with `wire::Key`, and `wire::In::keep` puts
    // a placeholder into a record's `Extra`.
    ("", &["extra", "wire"]),
    // The pagers call the listing's page fetch, which builds the pagers.
    ("request", &["consistent", "list", "pager"]),
];

/// A module's path below `runtime`: `[]` is `runtime` itself,
/// `["auth", "cache"]` is `runtime::auth::cache`.
type ModPath = Vec<String>;

/// What the runtime's source says about its modules.
#[derive(Default)]
struct Runtime {
    /// Every module: files, folders and inline modules other than tests.
    modules: BTreeSet<ModPath>,
    /// Folders (modules with a `mod.rs`).
    folders: BTreeSet<ModPath>,
    /// `(module, name)` to the absolute path a visible `use` gives that name.
    reexports: BTreeMap<(ModPath, String), ModPath>,
    /// Every runtime path named in each module, made absolute, and whether it
    /// is a visible `use` (a re-export) rather than a dependency of the
    /// module's own code.
    named: Vec<(ModPath, ModPath, bool)>,
}

fn runtime_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .join("generated-client/src/runtime")
}

/// Every `.rs` file under `dir` with its module path.
fn files(dir: &Path, module: &ModPath, out: &mut Vec<(PathBuf, ModPath, bool)>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("readable directory")
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 file name")
            .to_owned();
        if path.is_dir() {
            let mut inner = module.clone();
            inner.push(name);
            files(&path, &inner, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            if name == "mod" {
                out.push((path, module.clone(), true));
            } else {
                let mut inner = module.clone();
                inner.push(name);
                out.push((path, inner, false));
            }
        }
    }
}

/// Whether `attrs` hold `#[cfg(test)]`.
fn is_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "test")
    })
}

impl Runtime {
    fn read() -> Runtime {
        let mut found = Vec::new();
        files(&runtime_dir(), &Vec::new(), &mut found);
        let mut runtime = Runtime::default();
        let mut parsed = Vec::new();
        for (path, module, is_folder) in found {
            let text = fs::read_to_string(&path).expect("readable source");
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            runtime.modules.insert(module.clone());
            if is_folder {
                runtime.folders.insert(module.clone());
            }
            runtime.inline_modules(&module, &file.items);
            parsed.push((module, file));
        }
        // Re-exports first: resolving a path may go through any of them.
        let mut named = Vec::new();
        for (module, file) in &parsed {
            runtime.collect(module, &file.items, &mut named);
        }
        for (module, segments, reexport) in named {
            if let Some(path) = runtime.absolute(&module, &segments) {
                runtime.named.push((module, path, reexport));
            }
        }
        runtime
    }

    fn inline_modules(&mut self, module: &ModPath, items: &[Item]) {
        for item in items {
            if let Item::Mod(inline) = item {
                if let (Some((_, items)), false) = (&inline.content, is_test(&inline.attrs)) {
                    let mut inner = module.clone();
                    inner.push(inline.ident.to_string());
                    self.modules.insert(inner.clone());
                    self.inline_modules(&inner, items);
                }
            }
        }
    }

    /// Records the runtime paths `items` name, and the names visible `use`s
    /// give, as written (resolved later).
    fn collect(
        &mut self,
        module: &ModPath,
        items: &[Item],
        named: &mut Vec<(ModPath, ModPath, bool)>,
    ) {
        for item in items {
            match item {
                Item::Use(item) if !is_test(&item.attrs) => {
                    let reexport = !matches!(item.vis, Visibility::Inherited);
                    let mut paths = Vec::new();
                    use_paths(&item.tree, &mut Vec::new(), &mut paths);
                    for (segments, name) in paths {
                        if reexport {
                            if let (Some(name), Some(target)) =
                                (name, self.absolute(module, &segments))
                            {
                                self.reexports.insert((module.clone(), name), target);
                            }
                        }
                        named.push((module.clone(), segments, reexport));
                    }
                }
                Item::Mod(inline) if !is_test(&inline.attrs) => {
                    if let Some((_, items)) = &inline.content {
                        let mut inner = module.clone();
                        inner.push(inline.ident.to_string());
                        self.collect(&inner, items, named);
                    }
                }
                Item::Use(_) | Item::Mod(_) => {}
                other => {
                    let attrs = item_attrs(other);
                    if !is_test(attrs) {
                        let mut paths = Vec::new();
                        scan(other.to_token_stream(), &mut paths);
                        named.extend(paths.into_iter().map(|p| (module.clone(), p, false)));
                    }
                }
            }
        }
    }

    /// `segments`, written in `module`, as a path below `runtime`; `None`
    /// when it leads outside the runtime (another crate, the generated code).
    fn absolute(&self, module: &ModPath, segments: &[String]) -> Option<ModPath> {
        let (first, rest) = segments.split_first()?;
        match first.as_str() {
            // `$crate` reaches here as `crate`: `$` is a token of its own.
            "crate" => match rest.split_first() {
                Some((runtime, rest)) if runtime == "runtime" => Some(rest.to_vec()),
                _ => None,
            },
            "self" => Some([module.as_slice(), rest].concat()),
            "super" => {
                let mut base = module.clone();
                base.pop()?;
                let mut rest = rest;
                while let Some((next, tail)) = rest.split_first() {
                    if next != "super" {
                        break;
                    }
                    base.pop()?;
                    rest = tail;
                }
                Some([base.as_slice(), rest].concat())
            }
            // A 2018 path starting at a child module.
            child => {
                let mut inner = module.clone();
                inner.push(child.to_owned());
                self.modules
                    .contains(&inner)
                    .then(|| [module.as_slice(), segments].concat())
            }
        }
    }

    /// The module that defines what `path` names, following re-exports.
    fn defining_module(&self, path: &[String]) -> ModPath {
        let mut path = path.to_vec();
        // A re-export chain is short; the bound only guards against a loop.
        'follow: for _ in 0..16 {
            let mut module = Vec::new();
            for (i, segment) in path.iter().enumerate() {
                let mut inner = module.clone();
                inner.push(segment.clone());
                if self.modules.contains(&inner) {
                    module = inner;
                    continue;
                }
                if let Some(target) = self.reexports.get(&(module.clone(), segment.clone())) {
                    path = [target.as_slice(), &path[i + 1..]].concat();
                    continue 'follow;
                }
                break;
            }
            return module;
        }
        panic!("re-exports of `{}` go round in a loop", path.join("::"));
    }

    /// Edges between the children of `folder` (`[]`: the top-level modules);
    /// a deeper module counts as the child it is in, the folder's own
    /// `mod.rs` as `mod.rs`. Its re-exports of its children are its facade,
    /// not dependencies.
    fn graph(&self, folder: &ModPath) -> BTreeMap<String, BTreeSet<String>> {
        let node = |module: &ModPath| -> Option<String> {
            if !module.starts_with(folder) {
                return None;
            }
            match module.get(folder.len()) {
                Some(child) => Some(child.clone()),
                // `runtime/mod.rs` only declares and re-exports.
                None if folder.is_empty() => None,
                None => Some("mod.rs".to_owned()),
            }
        };
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, named, reexport) in &self.named {
            let to = self.defining_module(named);
            let (Some(from_node), Some(to_node)) = (node(from), node(&to)) else {
                continue;
            };
            if from_node == to_node || (*reexport && from_node == "mod.rs") {
                continue;
            }
            graph.entry(from_node).or_default().insert(to_node);
        }
        graph
    }
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        _ => &[],
    }
}

/// The paths of a `use` tree, each with the name it brings into scope.
fn use_paths(tree: &UseTree, prefix: &mut Vec<String>, out: &mut Vec<(ModPath, Option<String>)>) {
    match tree {
        UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            use_paths(&path.tree, prefix, out);
            prefix.pop();
        }
        UseTree::Name(name) if name.ident == "self" => {
            out.push((prefix.clone(), prefix.last().cloned()));
        }
        UseTree::Name(name) => {
            let mut path = prefix.clone();
            path.push(name.ident.to_string());
            out.push((path, Some(name.ident.to_string())));
        }
        UseTree::Rename(rename) => {
            let mut path = prefix.clone();
            if rename.ident != "self" {
                path.push(rename.ident.to_string());
            }
            out.push((path, Some(rename.rename.to_string())));
        }
        UseTree::Glob(_) => out.push((prefix.clone(), None)),
        UseTree::Group(group) => {
            for tree in &group.items {
                use_paths(tree, prefix, out);
            }
        }
    }
}

fn is_path_separator(tokens: &[TokenTree], at: usize) -> bool {
    matches!(
        (tokens.get(at), tokens.get(at + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':'
    )
}

/// Paths starting with `crate`, `$crate`, `self` or `super` anywhere in
/// `stream`: in types, expressions, nested `use`s and macro bodies.
fn scan(stream: TokenStream, out: &mut Vec<ModPath>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(group) => scan(group.stream(), out),
            TokenTree::Ident(ident)
                if matches!(ident.to_string().as_str(), "crate" | "self" | "super")
                    && is_path_separator(&tokens, i + 1) =>
            {
                i = path_at(&tokens, i, Vec::new(), out);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

/// Reads the path that starts at `tokens[start]` (after `prefix`) into
/// `out`, and returns the index after it.
fn path_at(tokens: &[TokenTree], start: usize, mut path: ModPath, out: &mut Vec<ModPath>) -> usize {
    let mut i = start;
    loop {
        match tokens.get(i) {
            Some(TokenTree::Ident(ident)) => {
                let ident = ident.to_string();
                // `use a::{self, b}`: `self` is the prefix itself.
                if ident != "self" || path.is_empty() {
                    path.push(ident);
                }
                i += 1;
            }
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                let mut at = 0;
                while at < inner.len() {
                    at = path_at(&inner, at, path.clone(), out);
                    // Skip to the next item of the group.
                    while at < inner.len() {
                        let comma = matches!(&inner[at], TokenTree::Punct(p) if p.as_char() == ',');
                        at += 1;
                        if comma {
                            break;
                        }
                    }
                }
                return i + 1;
            }
            _ => break,
        }
        if !is_path_separator(tokens, i) {
            break;
        }
        i += 2;
    }
    if !path.is_empty() {
        out.push(path);
    }
    i
}

/// The groups of modules that reach each other (Tarjan's strongly connected
/// components), those of more than one module only, each sorted.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<Vec<String>> {
    struct Search<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        next: usize,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: BTreeSet<Vec<String>>,
    }
    impl<'a> Search<'a> {
        fn visit(&mut self, node: &'a str) {
            self.index.insert(node, self.next);
            self.low.insert(node, self.next);
            self.next += 1;
            self.stack.push(node);
            for next in self.graph.get(node).into_iter().flatten() {
                if !self.index.contains_key(next.as_str()) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next.as_str()]);
                    self.low.insert(node, low);
                } else if self.stack.contains(&next.as_str()) {
                    let low = self.low[node].min(self.index[next.as_str()]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let at = self
                    .stack
                    .iter()
                    .rposition(|n| *n == node)
                    .expect("on the stack");
                let mut group: Vec<String> = self.stack.drain(at..).map(str::to_owned).collect();
                if group.len() > 1 {
                    group.sort();
                    self.found.insert(group);
                }
            }
        }
    }
    let mut search = Search {
        graph,
        next: 0,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: BTreeSet::new(),
    };
    for node in graph.keys() {
        if !search.index.contains_key(node.as_str()) {
            search.visit(node);
        }
    }
    search.found
}

fn show(graph: &BTreeMap<String, BTreeSet<String>>) -> String {
    graph
        .iter()
        .map(|(from, to)| {
            let to: Vec<&str> = to.iter().map(String::as_str).collect();
            format!("  {from} -> {}\n", to.join(", "))
        })
        .collect()
}

/// Checks the graph of `folder` against [`KNOWN_CIRCLES`].
fn check(runtime: &Runtime, folder: &ModPath) {
    let name = folder.join("::");
    let graph = runtime.graph(folder);
    let found = circles(&graph);
    let known: BTreeSet<Vec<String>> = KNOWN_CIRCLES
        .iter()
        .filter(|(at, _)| *at == name)
        .map(|(_, members)| members.iter().map(|m| (*m).to_owned()).collect())
        .collect();
    let place = if name.is_empty() {
        "runtime".to_owned()
    } else {
        format!("runtime::{name}")
    };
    if let Some(circle) = found.difference(&known).next() {
        panic!(
            "modules of `{place}` import each other in a circle: {{{}}}\nwhich module uses which:\n{}",
            circle.join(", "),
            show(&graph)
        );
    }
    if let Some(gone) = known.difference(&found).next() {
        panic!(
            "`{place}`: {{{}}} no longer import each other in a circle: take them out of KNOWN_CIRCLES",
            gone.join(", ")
        );
    }
}

#[test]
fn top_level_runtime_modules_import_each_other_without_a_circle() {
    let runtime = Runtime::read();
    let graph = runtime.graph(&Vec::new());
    assert!(
        graph.len() > 5,
        "the scan found too few dependencies to be reading the runtime:\n{}",
        show(&graph)
    );
    check(&runtime, &Vec::new());
}

#[test]
fn modules_inside_each_runtime_folder_import_each_other_without_a_circle() {
    let runtime = Runtime::read();
    assert!(runtime.folders.len() > 1, "the runtime and its folders");
    for folder in runtime.folders.iter().filter(|f| !f.is_empty()) {
        check(&runtime, folder);
    }
}

#[test]
fn circles_are_found() {
    let graph = |edges: &[(&str, &str)]| {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in edges {
            graph
                .entry((*from).to_owned())
                .or_default()
                .insert((*to).to_owned());
        }
        graph
    };
    let layered = graph(&[
        ("call", "auth"),
        ("auth", "transport"),
        ("call", "transport"),
    ]);
    assert!(circles(&layered).is_empty());
    let found = circles(&graph(&[
        ("call", "auth"),
        ("auth", "transport"),
        ("transport", "call"),
        ("builder", "client"),
        ("client", "builder"),
        ("client", "auth"),
    ]));
    let expected: BTreeSet<Vec<String>> =
        [vec!["auth", "call", "transport"], vec!["builder", "client"]]
            .into_iter()
            .map(|group| group.into_iter().map(str::to_owned).collect())
            .collect();
    assert_eq!(found, expected);
}

/// The scan itself: each way of naming another module is seen, so a circle
/// written in any of them is caught.
#[test]
fn the_scan_sees_every_way_of_naming_a_module() {
    let root: syn::File = syn::parse_quote! {
        mod h;
        pub use h::Seven;
    };
    let file: syn::File = syn::parse_quote! {
        use super::{a::{self, One}, b::Two as Other};
        fn f() -> crate::runtime::c::Three {
            use super::d::Four;
            super::super::outside_the_runtime();
            super::e::five()
        }
        macro_rules! m { () => { $crate::runtime::g::Six } }
        pub(super) fn not_a_path() -> super::Seven {}
        #[cfg(test)]
        mod tests {
            use super::super::z::TestsMayReachAnywhere;
        }
    };
    let mut runtime = Runtime {
        modules: ["x", "a", "b", "c", "d", "e", "g", "h", "z"]
            .into_iter()
            .map(|m| vec![m.to_owned()])
            .collect(),
        ..Runtime::default()
    };
    let mut named = Vec::new();
    runtime.collect(&Vec::new(), &root.items, &mut Vec::new());
    runtime.collect(&vec!["x".to_owned()], &file.items, &mut named);
    let reached: BTreeSet<String> = named
        .iter()
        .filter_map(|(module, segments, _)| runtime.absolute(module, segments))
        .map(|path| runtime.defining_module(&path).join("::"))
        .collect();
    let expected: BTreeSet<String> = ["a", "b", "c", "d", "e", "g", "h"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(reached, expected);
}
