//! The command-line client's commands come from the spec alone: a
//! collection added to a copy of the real spec is a command in the
//! generated table (`cli.rs`), with its operations, flags, writable fields,
//! actions and columns, and nothing but generated files changes.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use quote::ToTokens;
use syn::{Expr, Item};

/// A collection the real spec does not have, appended under `entities:`
/// (the last section of the file).
const WIDGET: &str = "
  Widget:
    doc: A widget on a client's site.
    path: Widget
    operations: [list, get, create, update, delete]
    columns: [id, name, colour]
    fields:
      id: { type: id, doc: The widget's id. }
      name: { type: string, doc: The widget's name. }
      colour: { type: string, doc: The widget's colour. }
      client_id: { type: ref<Client>, doc: The client that owns it. }
      installed: { type: date, doc: When it was installed. }
      serial: { type: string, doc: The serial number., read_only: true }
    filters:
      client_id: { type: ref<Client>, doc: Only widgets of this client. }
      broken_only: { type: bool, doc: Only broken widgets. }
    delete_params:
      reason: { type: string, doc: Why the widget goes. }
    actions:
      repair:
        doc: Sends a widget for repair.
        method: POST
        path: \"{id}/repair\"
        params:
          urgent: { type: bool, doc: Repair it first. }
";

/// Each entry of `COLLECTIONS` in a generated `cli.rs`, by command: its
/// fields as token text.
fn collections(table: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let file = syn::parse_file(table).expect("cli.rs parses");
    let mut out = BTreeMap::new();
    for item in file.items {
        let Item::Static(item) = item else { continue };
        assert_eq!(item.ident, "COLLECTIONS");
        let Expr::Reference(reference) = *item.expr else {
            panic!("a reference to an array")
        };
        let Expr::Array(array) = *reference.expr else {
            panic!("an array")
        };
        for element in array.elems {
            let Expr::Struct(entry) = element else {
                panic!("a Collection literal")
            };
            let fields: BTreeMap<String, String> = entry
                .fields
                .iter()
                .map(|field| {
                    (
                        field.member.to_token_stream().to_string(),
                        field.expr.to_token_stream().to_string(),
                    )
                })
                .collect();
            let command = fields["command"].trim_matches('"').to_owned();
            out.insert(command, fields);
        }
    }
    out
}

#[test]
fn a_collection_added_to_the_spec_is_a_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let spec = fs::read_to_string(root.join("spec/halopsa.yaml")).unwrap();
    let copy = format!("{}\n{WIDGET}", spec.trim_end());
    let before = halopsa_codegen::generate("spec/halopsa.yaml", &spec).expect("the real spec");
    let after = halopsa_codegen::generate("spec/halopsa.yaml", &copy).expect("the copy");

    let table = |files: &[halopsa_codegen::GeneratedFile]| {
        let cli = files.iter().find(|f| f.path == "cli.rs").expect("cli.rs");
        collections(&cli.contents)
    };
    let (old, new) = (table(&before), table(&after));
    assert!(!old.contains_key("widgets"));
    let widget = &new["widgets"];
    assert_eq!(widget["path"], "\"Widget\"");
    assert_eq!(
        widget["ops"],
        "Ops { list : true , get : true , create : true , update : true , delete : true }"
    );
    assert_eq!(widget["columns"], "& [\"id\" , \"name\" , \"colour\"]");
    // Flags: wire name, flag, type, doc; a bool filter is a switch; a
    // read-only field is known (for output order) but takes no flag.
    assert!(widget["filters"].contains("Param :: new (\"client_id\" , \"client-id\" , Ty :: Ref (\"client\" , Key :: Int) , \"Only widgets of this client.\")"), "{}", widget["filters"]);
    assert!(widget["filters"].contains(
        "Param :: switch (\"broken_only\" , \"broken-only\" , \"Only broken widgets.\")"
    ));
    assert!(widget["fields"].contains("Field :: new (\"installed\" , \"installed\" , Ty :: Date"));
    assert!(widget["fields"].contains("Field :: read_only (\"serial\""));
    assert!(widget["delete_params"].contains("\"reason\""));
    assert!(widget["actions"].contains("command : \"repair\""));
    assert!(widget["actions"].contains("path : & [Part :: Id , Part :: Literal (\"repair\")]"));

    // Every other collection's entry is as it was, and only generated
    // files change: the client's engine needs nothing for a new command.
    for (command, entry) in &old {
        assert_eq!(&new[command], entry, "{command}");
    }
    let contents = |files: &[halopsa_codegen::GeneratedFile]| -> BTreeMap<String, String> {
        files
            .iter()
            .map(|f| (f.path.clone(), f.contents.clone()))
            .collect()
    };
    let (old_files, new_files) = (contents(&before), contents(&after));
    let changed: Vec<&str> = new_files
        .iter()
        .filter(|(path, text)| old_files.get(*path) != Some(text))
        .map(|(path, _)| path.as_str())
        .collect();
    assert_eq!(changed, ["cli.rs", "mod.rs", "widget.rs"]);
}
