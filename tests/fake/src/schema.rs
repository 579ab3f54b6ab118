//! What the fake serves, read from the same spec the client is generated
//! from: a new entity in `spec/halopsa.yaml` is served without hand work.

use std::collections::HashMap;
use std::sync::Arc;

use halopsa_codegen::model::{Api, Entity, Field, NamedKind, Spec, Type};

/// The spec, embedded so the fake always matches the generated client.
const SPEC: &str = include_str!("../../../spec/halopsa.yaml");

/// The checked spec, indexed for the server.
#[derive(Debug)]
pub(crate) struct Schema {
    pub(crate) api: Api,
    pub(crate) collections: Vec<Arc<Collection>>,
    /// Shared named types by name, for generating nested values.
    pub(crate) types: HashMap<String, NamedKind>,
}

/// One entity of the spec and its fields by wire name.
#[derive(Debug)]
pub(crate) struct Collection {
    pub(crate) entity: Entity,
    fields: HashMap<String, usize>,
}

impl Schema {
    /// Checks the embedded spec.
    pub(crate) fn load() -> Result<Schema, String> {
        let spec = halopsa_codegen::check("spec/halopsa.yaml", SPEC).map_err(|d| d.to_string())?;
        Ok(Schema::from_spec(spec))
    }

    fn from_spec(spec: Spec) -> Schema {
        let collections = spec
            .entities
            .into_iter()
            .map(|entity| {
                let fields = entity
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(index, field)| (field.wire.clone(), index))
                    .collect();
                Arc::new(Collection { entity, fields })
            })
            .collect();
        let types = spec
            .types
            .into_iter()
            .map(|named| (named.name, named.kind))
            .collect();
        Schema {
            api: spec.api,
            collections,
            types,
        }
    }

    /// The collection of the entity with this Rust name, e.g. `Client`.
    pub(crate) fn entity(&self, name: &str) -> Option<&Arc<Collection>> {
        self.collections.iter().find(|c| c.entity.name == name)
    }
}

impl Collection {
    /// The wire path under the API base, e.g. `Tickets`.
    pub(crate) fn path(&self) -> &str {
        &self.entity.path
    }

    /// The spec's field with this wire name (`id` is not among them).
    pub(crate) fn field(&self, wire: &str) -> Option<&Field> {
        self.fields
            .get(wire)
            .map(|&index| &self.entity.fields[index])
    }

    /// Whether the spec gives the entity this field, of a type `accepts`.
    pub(crate) fn has(&self, wire: &str, accepts: impl Fn(&Type) -> bool) -> bool {
        self.field(wire).is_some_and(|field| accepts(&field.ty))
    }
}

/// Numbers of any kind, ids and references.
pub(crate) fn is_numeric(ty: &Type) -> bool {
    matches!(
        ty,
        Type::I32 | Type::I64 | Type::F64 | Type::Ref { .. } | Type::Id
    )
}

pub(crate) fn is_string(ty: &Type) -> bool {
    matches!(ty, Type::String)
}

pub(crate) fn is_bool(ty: &Type) -> bool {
    matches!(ty, Type::Bool)
}

pub(crate) fn is_datetime(ty: &Type) -> bool {
    matches!(ty, Type::DateTime | Type::Date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_spec_loads() {
        let schema = Schema::load().expect("the spec is valid");
        let tickets = schema.entity("Ticket").expect("tickets");
        assert_eq!(tickets.path(), "Tickets");
        assert!(tickets.has("summary", is_string));
        assert!(tickets.has("client_id", is_numeric));
    }
}
