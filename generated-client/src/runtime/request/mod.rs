//! Request builders, one type per operation, plus raw requests and SQL
//! reports.
//!
//! Each owns a clone of the [`HaloClient`](super::HaloClient), so it is `'static`
//! and can be moved into a task. Finish one with `.send().await`, or just
//! `.await` it (every type implements [`IntoFuture`](std::future::IntoFuture)).

use reqwest::Method;
use serde_json::Value;

use crate::runtime::body::Body;
use crate::runtime::call::Call;
use crate::runtime::query::Query;
use crate::runtime::{HaloClient, Resource, Result, RetryPolicy};

mod action;
mod changes;
mod consistent;
mod id_set;
mod list;
mod pager;
mod raw;
mod record;
mod report;
mod write;

pub use action::{ActionRequest, ActionResponse, FileResponse, Json, Listed, Nothing};
pub(crate) use changes::FieldValues;
pub use list::{ListRequest, Listing, ListingSummary, UnpagedListRequest};
pub use raw::{RawRequest, RawResponse};
pub use record::{CreateRequest, DeleteRequest, GetRequest, UpdateRequest};
pub use report::{ReportQuery, ReportRows};
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

/// `POST {path}` with an array of records: how Halo creates and updates,
/// under the collection's edit scope.
async fn post_records<T: Resource>(
    client: &HaloClient,
    records: &[Value],
    idempotent: bool,
    retry: Option<&RetryPolicy>,
) -> Result<Vec<u8>> {
    let call = Call {
        body: Some(Body::json(&records)?),
        idempotent,
        scope: T::EDIT_SCOPE,
        ..Call::new(
            Method::POST,
            client.endpoint(&[T::PATH], &Query::default())?,
        )
    };
    client.execute_with(&call, retry).await
}
