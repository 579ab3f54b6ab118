//! SQL reports: `POST /Report` with `_loadreportonly` runs a query against
//! Halo's reporting database without saving a report, and answers with its
//! rows. Users export in bulk this way: one request for what a listing
//! would fetch a page at a time.
//!
//! What the answer looks like (Halo's document declares the request model,
//! `AnalyzerProfile`, not the answer; public clients agree on the rest):
//! an `AnalyzerProfile` object (or a one-element array of one) whose
//! `report` (`ReportContent`: `loaded`, `load_error`, `rows`) holds the
//! rows, each an object keyed by column; a failed query answers 200 with
//! the database's message in `report.load_error`. Column metadata comes in
//! `available_columns` (read by halopsa-mcp and a Python client) and
//! `columns` (the document's model has both; which one Halo fills for an
//! ad hoc query is not recorded anywhere we found), each column's `name`.

use std::fmt;
use std::future::IntoFuture;

use futures::future::BoxFuture;
use reqwest::Method;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::runtime::body::Body;
use crate::runtime::call::Call;
use crate::runtime::query::Query;
use crate::runtime::{decode, Error, HaloClient, Result, RetryPolicy};

/// The wire path of reports, under the API base.
const REPORT_PATH: &str = "Report";

/// The scope a SQL report needs (halopsa-node's reporting docs; a probe in
/// halopsa-mcp files the same POST under `edit:reporting`, so a tenant may
/// need that one too: the 403 names the first).
pub(crate) const REPORTING_SCOPE: &str = "read:reporting";

/// Runs an SQL query through Halo's report engine: `POST /Report` with
/// `[{"sql": ..., "_loadreportonly": true}]`, which loads the report
/// without saving it. Needs the API scope `read:reporting`; without it the
/// call fails with [`Error::MissingScope`]. The spec declares it as an
/// action with `response: report`, so `halo.reports().query(sql)` returns
/// one; [`ReportQuery::new`] is the same for a client without that entity.
///
/// Sent once: it is never retried after the server may have acted (a
/// report query can be heavy, and it counts against the tenant's rate
/// limit like any request), only on answers that prove it did not (429,
/// 503, a connection never made), unless the spec marks the action
/// `retry: true`.
///
/// Halo's SQL is Microsoft SQL Server's, over its own tables (`FAULTS` for
/// tickets, `AREA` for clients, ...). Public clients also keep to one
/// statement without comments or a trailing `;`, and one caps queries at
/// 8,000 characters; Halo's own limits are not documented, so nothing is
/// refused here but an empty query: a query Halo rejects comes back as
/// [`Error::Report`] with its message.
///
/// ```no_run
/// use halopsa::runtime::ReportQuery;
/// use halopsa::HaloClient;
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct OpenTicket {
///     faultid: i64,
///     symptom: String,
/// }
///
/// # async fn demo(halo: HaloClient) -> halopsa::Result<()> {
/// let sql = "SELECT TOP 100 faultid, symptom FROM FAULTS WHERE status = 1";
/// let report = ReportQuery::new(&halo, sql).await?;
/// println!("columns: {:?}", report.columns);
/// let tickets: Vec<OpenTicket> = report.into_rows()?;
/// # let _ = tickets;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ReportQuery {
    client: HaloClient,
    sql: String,
    /// Where the query is posted: the collection's path and any segments
    /// under it (`Report`, for `POST /api/Report`).
    path: &'static str,
    segments: Vec<&'static str>,
    scope: Option<&'static str>,
    idempotent: bool,
    retry: Option<RetryPolicy>,
}

impl ReportQuery {
    /// A query running `sql` through `POST /Report`, needing `read:reporting`.
    pub fn new(client: &HaloClient, sql: impl Into<String>) -> Self {
        ReportQuery::at(client, REPORT_PATH, sql).scope(REPORTING_SCOPE)
    }

    /// A query posted to `path` (a collection's path under the API base),
    /// as an action of the spec with `response: report` declares it. The
    /// generated method sets the scope the spec records, if any.
    pub(crate) fn at(client: &HaloClient, path: &'static str, sql: impl Into<String>) -> Self {
        ReportQuery {
            client: client.clone(),
            sql: sql.into(),
            path,
            segments: Vec::new(),
            scope: None,
            idempotent: false,
            retry: None,
        }
    }

    /// Appends a literal segment of the spec's path template.
    // Generated code calls these for a spec's report actions; a spec
    // without one leaves them unused.
    #[allow(dead_code)]
    pub(crate) fn literal(mut self, segment: &'static str) -> Self {
        self.segments.push(segment);
        self
    }

    /// The API scope the query needs: a 403 then names it.
    pub(crate) fn scope(mut self, scope: &'static str) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Lets the runtime send the query again when the server might have
    /// acted on it: the spec's `retry: true`.
    #[allow(dead_code)]
    pub(crate) fn repeatable(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Retries this call by `policy` instead of the client's (still only
    /// when the server cannot have acted).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Runs the query and returns its columns and rows.
    pub async fn send(self) -> Result<ReportRows> {
        if self.sql.trim().is_empty() {
            return Err(Error::Config {
                message: "the report's SQL is empty".to_owned(),
            });
        }
        let body = json!([{ "sql": self.sql, "_loadreportonly": true }]);
        let mut url = self.client.endpoint(&[self.path], &Query::default())?;
        for segment in &self.segments {
            crate::runtime::url_policy::push_segment(&mut url, segment)?;
        }
        let call = Call {
            body: Some(Body::json(&body)?),
            scope: self.scope,
            idempotent: self.idempotent,
            ..Call::new(Method::POST, url)
        };
        let answer = self.client.execute_with(&call, self.retry.as_ref()).await?;
        report_rows(&answer)
    }

    /// Runs the query and decodes each row into a `T`; see
    /// [`ReportRows::into_rows`].
    pub async fn rows<T: DeserializeOwned>(self) -> Result<Vec<T>> {
        self.send().await?.into_rows()
    }
}

impl IntoFuture for ReportQuery {
    type Output = Result<ReportRows>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl fmt::Debug for ReportQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReportQuery")
            .field("sql", &self.sql)
            .field("path", &self.path)
            .field("segments", &self.segments)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// The result of a [`ReportQuery`]: its columns, in the query's order, and
/// its rows, each a map from column to value.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ReportRows {
    /// The column names in the query's order: from the answer's column
    /// metadata when it names every column of the rows, else the keys of
    /// the first row as the server sent them.
    pub columns: Vec<String>,
    /// The rows as the server sent them. (A `serde_json::Map` sorts its
    /// keys unless serde_json's `preserve_order` feature is on; `columns`
    /// keeps the order either way.)
    pub rows: Vec<Map<String, Value>>,
}

impl ReportRows {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the query returned no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Each row decoded into a `T` (your own struct, with a field per
    /// column it needs). A row that does not fit fails with
    /// [`Error::Decode`] at `rows[i].column`. Halo's report values are
    /// loose (numbers as text, dates without an offset): the modules of
    /// [`wire`](crate::runtime::wire) read them leniently, e.g.
    /// `#[serde(with = "halopsa::runtime::wire::int")]`.
    pub fn into_rows<T: DeserializeOwned>(self) -> Result<Vec<T>> {
        self.rows
            .into_iter()
            .enumerate()
            .map(|(index, row)| {
                let snippet = decode::snippet(Value::Object(row.clone()).to_string().as_bytes());
                serde_path_to_error::deserialize(Value::Object(row)).map_err(|err| {
                    let column = err.path().to_string();
                    let path = if column == "." {
                        format!("rows[{index}]")
                    } else {
                        format!("rows[{index}].{column}")
                    };
                    Error::Decode {
                        path,
                        message: err.into_inner().to_string(),
                        snippet,
                    }
                })
            })
            .collect()
    }
}

/// Reads a report answer: its rows and columns, or the error it carries.
fn report_rows(body: &[u8]) -> Result<ReportRows> {
    let OneAnswer(answer) = decode::json_untracked(body)?;
    let Some(report) = answer.report else {
        return Err(Error::Decode {
            path: "report".into(),
            message: "the answer has no `report`: is this the report endpoint?".into(),
            snippet: decode::snippet(body),
        });
    };
    if let Some(message) = report.load_error.filter(|m| !m.trim().is_empty()) {
        return Err(Error::Report {
            message,
            body: String::from_utf8_lossy(body).into_owned(),
        });
    }
    // `report.loaded` is not read: the document types it as a plain
    // boolean, so a server that never sets it for an ad hoc query would
    // make every empty result look like a failure.
    let Rows { rows, first_keys } = report.rows.unwrap_or_default();
    let named = |columns: Option<Vec<Column>>| -> Vec<String> {
        columns
            .unwrap_or_default()
            .into_iter()
            .filter_map(|column| column.name)
            .filter(|name| !name.is_empty())
            .collect()
    };
    // Metadata is trusted only when it names exactly the rows' keys: a
    // `name` could be a display label while rows are keyed otherwise.
    let fits = |names: &Vec<String>| {
        !names.is_empty()
            && rows.first().is_none_or(|row| {
                names.len() == row.len() && names.iter().all(|n| row.contains_key(n))
            })
    };
    let columns = [named(answer.available_columns), named(answer.columns)]
        .into_iter()
        .find(fits)
        .unwrap_or(first_keys);
    Ok(ReportRows { columns, rows })
}

/// The parts of an `AnalyzerProfile` answer a query needs.
#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    available_columns: Option<Vec<Column>>,
    #[serde(default)]
    columns: Option<Vec<Column>>,
    #[serde(default)]
    report: Option<Content>,
}

/// The answer to a one-element POST: an object, or an array of one.
/// (Not through a `Value`, which would sort the rows' keys.)
struct OneAnswer(Answer);

impl<'de> Deserialize<'de> for OneAnswer {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<OneAnswer, D::Error> {
        deserializer.deserialize_any(OneAnswerVisitor)
    }
}

struct OneAnswerVisitor;

impl<'de> Visitor<'de> for OneAnswerVisitor {
    type Value = OneAnswer;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a report (an object, or an array of one)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<OneAnswer, A::Error> {
        Answer::deserialize(de::value::MapAccessDeserializer::new(map)).map(OneAnswer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<OneAnswer, A::Error> {
        let answer = seq
            .next_element::<Answer>()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::custom("expected one report, got several"));
        }
        Ok(OneAnswer(answer))
    }
}

#[derive(Deserialize)]
struct Column {
    #[serde(default)]
    name: Option<String>,
}

/// `ReportContent`.
#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    load_error: Option<String>,
    #[serde(default)]
    rows: Option<Rows>,
}

/// The rows, and the keys of the first one in the order they came.
#[derive(Default)]
struct Rows {
    rows: Vec<Map<String, Value>>,
    first_keys: Vec<String>,
}

impl<'de> Deserialize<'de> for Rows {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Rows, D::Error> {
        deserializer.deserialize_seq(RowsVisitor)
    }
}

struct RowsVisitor;

impl<'de> Visitor<'de> for RowsVisitor {
    type Value = Rows;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Rows, A::Error> {
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let mut first_keys = Vec::new();
        if let Some(first) = seq.next_element_seed(FirstRow(&mut first_keys))? {
            rows.push(first);
        }
        while let Some(row) = seq.next_element()? {
            rows.push(row);
        }
        Ok(Rows { rows, first_keys })
    }
}

/// A row, noting its keys in order.
struct FirstRow<'a>(&'a mut Vec<String>);

impl<'de> DeserializeSeed<'de> for FirstRow<'_> {
    type Value = Map<String, Value>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FirstRow<'_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row (an object)")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut row = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value()?;
            if row.insert(key.clone(), value).is_none() {
                self.0.push(key);
            }
        }
        Ok(row)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> std::result::Result<Self::Value, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_from_metadata_that_fits_else_the_first_rows_order() {
        let body = br#"{"available_columns":[{"name":"b"},{"name":"a"}],
            "report":{"loaded":true,"rows":[{"b":1,"a":"x"},{"b":2,"a":"y"}]}}"#;
        let rows = report_rows(body).expect("rows");
        assert_eq!(rows.columns, ["b", "a"]);
        assert_eq!(rows.len(), 2);
        // Display labels that are not the rows' keys: the rows' own order.
        let body = br#"[{"columns":[{"name":"Ticket ID"}],
            "report":{"rows":[{"zeta":1,"alpha":2}]}}]"#;
        assert_eq!(report_rows(body).expect("rows").columns, ["zeta", "alpha"]);
        // No rows: the metadata is all there is.
        let body = br#"{"available_columns":[{"name":"id"}],"report":{"rows":null}}"#;
        let rows = report_rows(body).expect("rows");
        assert_eq!(
            (rows.columns.as_slice(), rows.is_empty()),
            (&["id".to_owned()][..], true)
        );
    }

    #[test]
    fn a_load_error_is_the_reports_error() {
        let body = br#"{"report":{"loaded":false,"load_error":"Invalid column name 'x'."}}"#;
        match report_rows(body) {
            Err(Error::Report { message, body }) => {
                assert_eq!(message, "Invalid column name 'x'.");
                assert!(body.contains("load_error"));
            }
            other => panic!("expected Error::Report, got {other:?}"),
        }
        assert!(matches!(
            report_rows(br#"{"id":1}"#),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            report_rows(br#"{"report":{"rows":[[1,2]]}}"#),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn a_row_that_does_not_fit_names_its_row_and_column() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Row {
            id: i64,
            summary: String,
        }
        let body = br#"{"report":{"rows":[{"id":1,"summary":"a"},{"id":"two","summary":"b"}]}}"#;
        let err = report_rows(body)
            .expect("rows")
            .into_rows::<Row>()
            .expect_err("row 1 has a text id");
        match &err {
            Error::Decode { path, snippet, .. } => {
                assert_eq!(path, "rows[1].id");
                assert!(snippet.contains("two"), "{snippet}");
            }
            other => panic!("expected Error::Decode, got {other:?}"),
        }
        let body = br#"{"report":{"rows":[{"id":1}]}}"#;
        let err = report_rows(body)
            .expect("rows")
            .into_rows::<Row>()
            .expect_err("missing");
        assert!(
            matches!(&err, Error::Decode { path, message, .. }
                if path == "rows[0]" && message.contains("summary")),
            "{err:?}"
        );
    }
}
