//! `request!`, `params!`, `fields!` and `input!`: an entity's own request types.
//!
//! Each entity gets a request type per operation (`TicketList`, `TicketGet`,
//! `TicketPatch`, `TicketDelete`) and a create input (`NewTicket`), so its
//! filters and setters are documented on pages of its own rather than on the
//! runtime's generic types. `request!` wraps the generic request and forwards
//! the methods every request of that kind has; `params!` and `fields!` expand
//! the generator's tables of parameters and fields into typed methods.
//!
//! Every public method here is `#[inline]`. The wrappers are not generic, so
//! without it `halopsa` would compile each one for every entity, and with it
//! the generic runtime machinery it calls (`ListRequest<Ticket>`'s pager and
//! so on), whether a user calls it or not. Inline, a method is compiled where
//! it is used: growing the spec from 20 to 54 collections made a release
//! rebuild of the crate 1.9x slower without this, and 0.6x with it
//! (`cargo xtask bench --compile-only`), a consumer paying only for the
//! operations it calls.

/// A request type of one entity: `list`, `unpaged_list`, `get`, `patch` or
/// `delete`, wrapping the runtime's generic request for that record; or of
/// one action: `action Name => Response;` (an answer decoded as the
/// `ActionResponse` says), `file Name;` (an answer that is a file, also
/// streamed by `download`).
macro_rules! request {
    ($(#[$doc:meta])* list $name:ident($record:ty);) => {
        $crate::runtime::macros::request!(@type $(#[$doc])* $name, ListRequest<$record>);

        impl $name {
            fn new(client: &$crate::runtime::HaloClient) -> Self {
                Self($crate::runtime::ListRequest::new(client))
            }

            /// The 1-based page to fetch (0 is read as 1).
            #[inline]
            pub fn page_no(self, page_no: u32) -> Self {
                Self(self.0.page_no(page_no))
            }

            /// Records per page, clamped to between 1 and the server's cap.
            #[inline]
            pub fn page_size(self, page_size: u32) -> Self {
                Self(self.0.page_size(page_size))
            }

            $crate::runtime::macros::request!(@order);
            $crate::runtime::macros::request!(@param);

            /// Keeps up to `pages` pages in flight ahead of the one being read by
            /// [`stream`](Self::stream) or [`pages`](Self::pages); see
            /// [`ListRequest::prefetch`](crate::runtime::ListRequest::prefetch).
            #[inline]
            pub fn prefetch(self, pages: usize) -> Self {
                Self(self.0.prefetch(pages))
            }

            $crate::runtime::macros::request!(@retry);

            /// Ends a listing quietly when fewer records arrive than the first
            /// page promised; see [`ListRequest::lenient`](crate::runtime::ListRequest::lenient).
            #[inline]
            pub fn lenient(self) -> Self {
                Self(self.0.lenient())
            }

            /// Lists in id order so that records created or deleted meanwhile
            /// neither repeat nor hide others, for exports; see
            /// [`ListRequest::consistent`](crate::runtime::ListRequest::consistent)
            /// for its cost in requests.
            #[inline]
            pub fn consistent(self) -> Self {
                Self(self.0.consistent())
            }

            /// Fetches one page.
            #[inline]
            pub async fn send(self) -> $crate::runtime::Result<$crate::runtime::Page<$record>> {
                self.0.send().await
            }

            /// Every page from [`page_no`](Self::page_no) on; see
            /// [`ListRequest::pages`](crate::runtime::ListRequest::pages) for
            /// how paging ends.
            #[inline]
            pub fn pages(
                self,
            ) -> impl ::futures::Stream<Item = $crate::runtime::Result<$crate::runtime::Page<$record>>>
                   + Send
                   + 'static {
                self.0.pages()
            }

            /// Every matching record, page after page.
            #[inline]
            pub fn stream(
                self,
            ) -> impl ::futures::Stream<Item = $crate::runtime::Result<$record>> + Send + 'static {
                self.0.stream()
            }

            /// Every matching record in one `Vec`.
            #[inline]
            pub async fn collect(self) -> $crate::runtime::Result<::std::vec::Vec<$record>> {
                self.0.collect().await
            }

            /// Every matching record, and a summary of what arrived against
            /// what the first page promised.
            #[inline]
            pub async fn collect_with_summary(
                self,
            ) -> $crate::runtime::Result<$crate::runtime::Listing<$record>> {
                self.0.collect_with_summary().await
            }
        }

        $crate::runtime::macros::request!(@future $name => $crate::runtime::Page<$record>);
    };
    ($(#[$doc:meta])* unpaged_list $name:ident($record:ty);) => {
        $crate::runtime::macros::request!(@type $(#[$doc])* $name, UnpagedListRequest<$record>);

        impl $name {
            fn new(client: &$crate::runtime::HaloClient) -> Self {
                Self($crate::runtime::UnpagedListRequest::new(client))
            }

            $crate::runtime::macros::request!(@order);
            $crate::runtime::macros::request!(@param);
            $crate::runtime::macros::request!(@retry);

            /// Fetches every matching record in one request.
            #[inline]
            pub async fn send(self) -> $crate::runtime::Result<::std::vec::Vec<$record>> {
                self.0.send().await
            }
        }

        $crate::runtime::macros::request!(@future $name => ::std::vec::Vec<$record>);
    };
    ($(#[$doc:meta])* get $name:ident($record:ty);) => {
        $crate::runtime::macros::request!(@type $(#[$doc])* $name, GetRequest<$record>);

        impl $name {
            fn new(
                client: &$crate::runtime::HaloClient,
                id: <$record as $crate::runtime::Resource>::Id,
            ) -> Self {
                Self($crate::runtime::GetRequest::new(client, id))
            }

            $crate::runtime::macros::request!(@param);
            $crate::runtime::macros::request!(@retry);

            /// Fetches the record; one that does not exist is an error with
            /// status 404 (see [`send_opt`](Self::send_opt)).
            #[inline]
            pub async fn send(self) -> $crate::runtime::Result<$record> {
                self.0.send().await
            }

            /// Fetches the record, or `None` when there is none (404).
            #[inline]
            pub async fn send_opt(self) -> $crate::runtime::Result<::std::option::Option<$record>> {
                self.0.send_opt().await
            }

            // `get_opt`'s future, boxed by the runtime for the same reason
            // as `into_future`'s.
            #[inline]
            fn send_opt_boxed(self) -> $crate::runtime::ResultFuture<::std::option::Option<$record>> {
                self.0.send_opt_boxed()
            }
        }

        $crate::runtime::macros::request!(@future $name => $record);
    };
    ($(#[$doc:meta])* patch $name:ident($record:ty);) => {
        $crate::runtime::macros::request!(@type $(#[$doc])* $name, PatchRequest<$record>);

        impl $name {
            fn new(
                client: &$crate::runtime::HaloClient,
                id: <$record as $crate::runtime::Resource>::Id,
            ) -> Self {
                Self($crate::runtime::PatchRequest::new(client, id))
            }

            /// Sets a field the spec does not list, by its wire name.
            #[inline]
            pub fn field(self, name: impl Into<::std::string::String>, value: impl ::serde::Serialize) -> Self {
                Self(self.0.field(name, value))
            }

            /// The fields this patch sends, by wire name (without `id`).
            #[inline]
            pub fn changes(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
                self.0.changes()
            }

            $crate::runtime::macros::request!(@retry);

            /// Saves the changes and returns the record as saved.
            #[inline]
            pub async fn send(self) -> $crate::runtime::Result<$record> {
                self.0.send().await
            }

            // Called by the `fields!` setters; a record without writable
            // fields has none.
            #[allow(dead_code)]
            fn set<__T: ::serde::Serialize>(
                self,
                name: &'static str,
                change: $crate::runtime::FieldChange<__T>,
            ) -> Self {
                Self(self.0.change(name, change))
            }
        }

        $crate::runtime::macros::request!(@future $name => $record);
    };
    ($(#[$doc:meta])* delete $name:ident($record:ty);) => {
        $crate::runtime::macros::request!(@type $(#[$doc])* $name, DeleteRequest<$record>);

        impl $name {
            fn new(
                client: &$crate::runtime::HaloClient,
                id: <$record as $crate::runtime::Resource>::Id,
            ) -> Self {
                Self($crate::runtime::DeleteRequest::new(client, id))
            }

            $crate::runtime::macros::request!(@param);
            $crate::runtime::macros::request!(@retry);

            /// Deletes the record.
            #[inline]
            pub async fn send(self) -> $crate::runtime::Result<()> {
                self.0.send().await
            }
        }

        $crate::runtime::macros::request!(@future $name => ());
    };

    ($(#[$doc:meta])* action $name:ident => $response:ty;) => {
        $(#[$doc])*
        ///
        /// Finish it with `.send().await`, or just `.await` it.
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct $name($crate::runtime::ActionRequest<$response>);

        impl $name {
            $crate::runtime::macros::request!(@param);
            $crate::runtime::macros::request!(@retry);

            /// Sends the request and reads the answer.
            #[inline]
            pub async fn send(
                self,
            ) -> $crate::runtime::Result<<$response as $crate::runtime::ActionResponse>::Output> {
                self.0.send().await
            }
        }

        $crate::runtime::macros::request!(
            @future $name => <$response as $crate::runtime::ActionResponse>::Output
        );
    };

    ($(#[$doc:meta])* file $name:ident;) => {
        $(#[$doc])*
        ///
        /// Finish it with `.send().await` (or just `.await`) for the file in
        /// memory, or [`download`](Self::download) to stream it to a writer.
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct $name($crate::runtime::ActionRequest<$crate::runtime::FileResponse>);

        impl $name {
            $crate::runtime::macros::request!(@param);
            $crate::runtime::macros::request!(@retry);

            /// Sends the request and returns the file, held in memory: its
            /// bytes, and the name and content type the server gave.
            #[inline]
            pub async fn send(self) -> $crate::runtime::Result<$crate::runtime::File> {
                self.0.send().await
            }

            /// Sends the request and writes the file to `writer` as it
            /// arrives, never holding it whole; returns its name, type and
            /// size. Retried until the first byte is written, never after;
            /// on an error the writer may hold part of the file. See
            /// [`RawRequest::download`](crate::runtime::RawRequest::download).
            #[inline]
            pub async fn download<__W>(
                self,
                writer: &mut __W,
            ) -> $crate::runtime::Result<$crate::runtime::FileInfo>
            where
                __W: ::tokio::io::AsyncWrite + ::core::marker::Unpin + ?::core::marker::Sized,
            {
                self.0.download(writer).await
            }
        }

        $crate::runtime::macros::request!(@future $name => $crate::runtime::File);
    };

    (@type $(#[$doc:meta])* $name:ident, $inner:ident<$record:ty>) => {
        $(#[$doc])*
        ///
        /// Finish it with `.send().await`, or just `.await` it.
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct $name($crate::runtime::$inner<$record>);
    };
    (@order) => {
        /// Sorts by this field (its wire name).
        #[inline]
        pub fn order(self, field: impl Into<::std::string::String>) -> Self {
            Self(self.0.order(field))
        }

        /// Sorts descending.
        #[inline]
        pub fn order_desc(self) -> Self {
            Self(self.0.order_desc(true))
        }
    };
    (@param) => {
        /// Sets (replaces) a query parameter the spec does not list, by its wire name.
        #[inline]
        pub fn param(self, name: &'static str, value: impl $crate::runtime::QueryValue) -> Self {
            Self(self.0.param(name, value))
        }
    };
    (@retry) => {
        /// Retries by `policy` instead of the client's.
        #[inline]
        pub fn retry_policy(self, policy: $crate::runtime::RetryPolicy) -> Self {
            Self(self.0.retry_policy(policy))
        }
    };
    (@future $name:ident => $output:ty) => {
        impl ::std::future::IntoFuture for $name {
            type Output = $crate::runtime::Result<$output>;
            type IntoFuture = ::futures::future::BoxFuture<'static, Self::Output>;

            // The runtime's request boxes its future, proved `Send` once
            // for every record type; boxing `send` here would make the
            // compiler prove it again for each entity.
            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                ::std::future::IntoFuture::into_future(self.0)
            }
        }
    };
}
pub(crate) use request;

/// Query parameter setters from the generator's table, written like the
/// methods they become: `client_id(ClientId) = "client_id"` takes
/// `impl Into<ClientId>`, `ids([TicketId]) = "ticketids"` any values that
/// convert into `TicketId`, and a flag, `open_only() = "open_only"`, takes
/// nothing and sends `true`.
// A spec without such tables leaves it unused.
#[allow(unused_macros)]
macro_rules! params {
    ($request:ident { $($(#[$doc:meta])* $name:ident $arg:tt = $wire:literal),* $(,)? }) => {
        impl $request {
            $(
                $crate::runtime::macros::params!(@one $(#[$doc])* $name $arg = $wire);
            )*
        }
    };
    (@one $(#[$doc:meta])* $name:ident () = $wire:literal) => {
        $(#[$doc])*
        #[inline]
        pub fn $name(self) -> Self {
            self.param($wire, true)
        }
    };
    (@one $(#[$doc:meta])* $name:ident ([$elem:ty]) = $wire:literal) => {
        $(#[$doc])*
        #[inline]
        pub fn $name(self, values: impl IntoIterator<Item = impl Into<$elem>>) -> Self {
            let values: ::std::vec::Vec<$elem> = values.into_iter().map(Into::into).collect();
            self.param($wire, values)
        }
    };
    (@one $(#[$doc:meta])* $name:ident ($ty:ty) = $wire:literal) => {
        $(#[$doc])*
        #[inline]
        pub fn $name(self, value: impl Into<$ty>) -> Self {
            let value: $ty = value.into();
            self.param($wire, value)
        }
    };
}
#[allow(unused_imports)]
pub(crate) use params;

/// Field setters from the generator's table, for a create input and a patch
/// request at once: `summary(String) = "summary"` takes
/// `impl Into<FieldChange<String>>`, that is the value or
/// [`Clear`](crate::runtime::Clear); a switch, `recover() = "_recover"`,
/// takes nothing and sends `true` (Halo's request-only `_` fields).
// A spec without such tables leaves it unused.
#[allow(unused_macros)]
macro_rules! fields {
    ($($target:ident),+ { $($body:tt)* }) => {
        $crate::runtime::macros::fields!(@each [$($target)+] { $($body)* });
    };
    (@each [$($target:ident)+] $body:tt) => {
        $(
            $crate::runtime::macros::fields!(@impl $target $body);
        )+
    };
    (@impl $target:ident { $($(#[$doc:meta])* $name:ident $arg:tt = $wire:literal),* $(,)? }) => {
        impl $target {
            $(
                $crate::runtime::macros::fields!(@one $(#[$doc])* $name $arg = $wire);
            )*
        }
    };
    (@one $(#[$doc:meta])* $name:ident () = $wire:literal) => {
        $(#[$doc])*
        #[inline]
        pub fn $name(self) -> Self {
            self.set($wire, $crate::runtime::FieldChange::Set(true))
        }
    };
    (@one $(#[$doc:meta])* $name:ident ($ty:ty) = $wire:literal) => {
        $(#[$doc])*
        #[inline]
        pub fn $name(self, value: impl Into<$crate::runtime::FieldChange<$ty>>) -> Self {
            self.set($wire, value.into())
        }
    };
}
#[allow(unused_imports)]
pub(crate) use fields;

/// A create input: the fields of a new record, set with typed methods
/// (`fields!`); unset fields are not sent.
// A spec without such tables leaves it unused.
#[allow(unused_macros)]
macro_rules! input {
    ($(#[$doc:meta])* $name:ident;) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[must_use]
        pub struct $name($crate::runtime::FieldValues);

        impl $name {
            /// An input with no fields set.
            #[inline]
            pub fn new() -> Self {
                Self::default()
            }

            /// Sets a field the spec does not list, by its wire name.
            #[inline]
            pub fn field(self, name: impl Into<::std::string::String>, value: impl ::serde::Serialize) -> Self {
                Self(self.0.set(name.into(), value))
            }

            /// The fields this input sends, by wire name.
            #[inline]
            pub fn as_map(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
                self.0.map()
            }

            // Called by the `fields!` setters; a record without writable
            // fields has none.
            #[allow(dead_code)]
            fn set<__T: ::serde::Serialize>(
                self,
                name: &'static str,
                change: $crate::runtime::FieldChange<__T>,
            ) -> Self {
                Self(self.0.change(name, change))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                self.0.serialize(serializer)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use input;
