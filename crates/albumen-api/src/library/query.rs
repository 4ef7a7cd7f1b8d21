//! Query parameters of the Library GET methods, with repeated keys
//! (`mediaItemIds=A&mediaItemIds=B`) and Google's messages for values that do not parse.

use crate::error::ApiError;

/// The decoded query string of a request.
#[derive(Debug, Default)]
pub(crate) struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        Self(
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The last value of `name` (Google binds the last of repeated scalars).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// An int32 parameter; `proto_name` is the snake_case name Google's message uses.
    pub(crate) fn int32(&self, name: &str, proto_name: &str) -> Result<Option<i64>, ApiError> {
        let Some(raw) = self.get(name).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        raw.trim()
            .parse::<i32>()
            .map(|v| Some(i64::from(v)))
            .map_err(|_| {
                ApiError::invalid_argument(format!(
                    "Invalid value at '{proto_name}' (TYPE_INT32), \"{raw}\""
                ))
            })
    }

    /// A bool parameter (`true`/`false`/`1`/`0`).
    pub(crate) fn boolean(&self, name: &str, proto_name: &str) -> Result<bool, ApiError> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(other) => Err(ApiError::invalid_argument(format!(
                "Invalid value at '{proto_name}' (TYPE_BOOL), \"{other}\""
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_typed_parameters() {
        let q = QueryParams::parse(Some(
            "mediaItemIds=A&mediaItemIds=B&pageSize=10&alt=json&x=1&x=2",
        ));
        assert_eq!(q.all("mediaItemIds"), vec!["A", "B"]);
        assert_eq!(q.int32("pageSize", "page_size").unwrap(), Some(10));
        assert_eq!(q.get("x"), Some("2"));
        let bad = QueryParams::parse(Some("pageSize=abc&flag=maybe"));
        assert!(bad.int32("pageSize", "page_size").is_err());
        assert!(bad.boolean("flag", "flag").is_err());
        assert!(!bad.boolean("missing", "missing").unwrap());
    }
}
