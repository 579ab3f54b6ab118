//! Request builders, one type per operation.
//!
//! Each owns a clone of the [`HaloClient`](super::HaloClient), so it is `'static`
//! and can be moved into a task. Finish one with `.send().await`, or just
//! `.await` it (every type implements [`IntoFuture`](std::future::IntoFuture)).

use reqwest::Method;
use serde_json::Value;

use crate::runtime::call::Call;
use crate::runtime::query::Query;
use crate::runtime::{Error, HaloClient, Result, RetryPolicy};

mod action;
mod changes;
mod consistent;
mod id_set;
mod list;
mod pager;
mod record;
mod write;

pub use action::{ActionRequest, ActionResponse, Json, Listed, Nothing};
pub(crate) use changes::FieldValues;
pub use list::{ListRequest, Listing, ListingSummary, UnpagedListRequest};
pub use record::{CreateRequest, DeleteRequest, GetRequest, UpdateRequest};
pub use write::{CreateManyRequest, PatchRequest};

/// Sort field parameter.
const ORDER_PARAM: &str = "order";
/// Sort direction parameter (`true` = descending).
const ORDER_DESC_PARAM: &str = "orderdesc";

/// `IntoFuture` via `send`, boxed so the future type can be named.
macro_rules! into_future {
    ($request:ident => $output:ty) => {
        impl<T: $crate::runtime::Resource> ::std::future::IntoFuture for $request<T> {
            type Output = $crate::runtime::Result<$output>;
            type IntoFuture = ::futures::future::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    };
}
use into_future;

/// `POST {path}` with an array of records: how Halo creates and updates.
async fn post_records(
    client: &HaloClient,
    path: &str,
    records: &[Value],
    idempotent: bool,
    retry: Option<&RetryPolicy>,
) -> Result<Vec<u8>> {
    let body = serde_json::to_vec(records).map_err(|err| Error::Encode {
        message: err.to_string(),
    })?;
    let call = Call {
        method: Method::POST,
        url: client.endpoint(&[path], &Query::default())?,
        body: Some(body),
        idempotent,
    };
    client.execute_with(&call, retry).await
}
