//! Helpers shared by the console, account and admin pages: CSRF checks for signed-in forms,
//! the page frame, failure pages, dates, textarea lines and field-error messages.

use albumen_core::StoreError;
use albumen_oauth::console::ConsoleError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::csrf;
use crate::layout::{document, error_page, html_response, internal_error_page};
use crate::session::{SignedIn, Viewer};

/// A page that replaces the one asked for. Boxed: a `Response` is too large for an `Err`.
#[derive(Debug)]
pub(crate) struct Failure(Box<Response>);

impl From<Response> for Failure {
    fn from(response: Response) -> Self {
        Self(Box::new(response))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// What a handler answers: the page, or the failure page that replaces it.
pub(crate) type Reply = Result<Response, Failure>;

/// Whether a signed-in user's form carried their session's CSRF token.
pub(crate) fn csrf_ok(signed_in: &SignedIn, submitted: Option<&str>) -> bool {
    let viewer = Viewer {
        jar: signed_in.jar.clone(),
        signed_in: Some((signed_in.user.clone(), signed_in.session.clone())),
        secure: false,
    };
    csrf::is_valid(&viewer, submitted)
}

/// The hidden CSRF input for a signed-in user's form.
pub(crate) fn csrf_input(signed_in: &SignedIn) -> Markup {
    csrf::field(&signed_in.session.csrf_token)
}

/// A whole page with the signed-in header.
/// The Enable button of something disabled, or the Disable button of something enabled,
/// posting to `{base}/enable` or `{base}/disable`.
pub(crate) fn enable_toggle(signed_in: &SignedIn, base: &str, disabled: bool) -> Markup {
    let (action, label) = if disabled {
        ("enable", "Enable")
    } else {
        ("disable", "Disable")
    };
    html! {
        form method="post" action=(format!("{base}/{action}")) {
            (csrf_input(signed_in))
            button.secondary type="submit" { (label) }
        }
    }
}

pub(crate) fn page(
    signed_in: &SignedIn,
    status: StatusCode,
    title: &str,
    body: Markup,
) -> Response {
    html_response(status, document(title, signed_in.chrome(), body))
}

pub(crate) fn not_found() -> Response {
    error_page(
        404,
        "not_found",
        "The requested item does not exist, or was deleted.",
        &[],
    )
}

pub(crate) fn forbidden(description: &str) -> Response {
    error_page(403, "forbidden", description, &[])
}

/// The page for a console failure that is not a field error.
pub(crate) fn console_failure(err: ConsoleError) -> Response {
    match err {
        ConsoleError::NotFound => not_found(),
        ConsoleError::Forbidden => forbidden("You do not have access to this project."),
        ConsoleError::Store(err) => {
            tracing::error!(error = %err, "console operation failed");
            internal_error_page()
        }
        // Callers handle field errors beside their forms; one reaching here has no form.
        ConsoleError::Invalid { message, .. } => error_page(400, "invalid_request", &message, &[]),
    }
}

pub(crate) fn store_failure(err: StoreError) -> Response {
    console_failure(err.into())
}

/// A date as the console lists it.
pub(crate) fn day(at: OffsetDateTime) -> String {
    at.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_else(|_| at.to_string())
}

/// A moment to the minute, in UTC.
pub(crate) fn moment(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_else(|_| at.to_string())
}

/// The non-blank, trimmed lines of a textarea with their 1-based line numbers. Repeated form
/// keys arrive as several values; they count as consecutive lines.
pub(crate) fn non_blank_lines(values: &[String]) -> Vec<(usize, String)> {
    values
        .iter()
        .flat_map(|value| value.lines())
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim().to_owned()))
        .filter(|(_, line)| !line.is_empty())
        .collect()
}

/// The values of [`non_blank_lines`], as the services take them.
pub(crate) fn line_values(values: &[String]) -> Vec<String> {
    non_blank_lines(values)
        .into_iter()
        .map(|(_, line)| line)
        .collect()
}

/// The textarea's text as the user typed it, to put back in the form.
pub(crate) fn textarea_text(values: &[String]) -> String {
    values.join("\n")
}

/// A rule a submitted field broke, as the services name it (`name`, `redirect_uris[2]`).
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub(crate) fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The field error inside `err`, or the page for any other failure.
    pub(crate) fn from_console(err: ConsoleError) -> Result<Self, Failure> {
        match err {
            ConsoleError::Invalid { field, message } => Ok(Self { field, message }),
            other => Err(console_failure(other).into()),
        }
    }

    /// The message for `field`. Errors on one entry of a list field (`field[i]`, counted over
    /// the non-blank lines) name the line of the textarea `text` it came from.
    fn message_for(&self, field: &str, text: &str) -> Option<String> {
        if self.field == field {
            return Some(self.message.clone());
        }
        let index: usize = self
            .field
            .strip_prefix(field)?
            .strip_prefix('[')?
            .strip_suffix(']')?
            .parse()
            .ok()?;
        let lines = non_blank_lines(&[text.to_owned()]);
        let line = lines.get(index).map_or(index + 1, |(number, _)| *number);
        Some(format!("Line {line}: {}", self.message))
    }

    /// Whether the error belongs to one of `fields` (or an entry of one).
    pub(crate) fn is_on_any(&self, fields: &[&str]) -> bool {
        fields
            .iter()
            .any(|field| self.message_for(field, "").is_some())
    }
}

/// The message under a single-value field, if the error is about it.
pub(crate) fn error_under(error: Option<&FieldError>, field: &str) -> Markup {
    error_under_lines(error, field, "")
}

/// The message under a one-entry-per-line textarea holding `text`.
pub(crate) fn error_under_lines(error: Option<&FieldError>, field: &str, text: &str) -> Markup {
    let message = error.and_then(|error| error.message_for(field, text));
    html! {
        @if let Some(message) = message {
            p.error id=(format!("{field}-error")) role="alert" { (message) }
        }
    }
}

/// A field error that belongs to none of the form's fields, shown above the form.
pub(crate) fn error_above(error: Option<&FieldError>, fields: &[&str]) -> Markup {
    html! {
        @if let Some(error) = error.filter(|error| !error.is_on_any(fields)) {
            p.error role="alert" { (error.message) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_errors_name_the_textarea_line() {
        let text = "https://a.example.com/cb\n\n  \nbad uri\n";
        let error = FieldError::new(
            "redirect_uris[1]",
            "Invalid Redirect: must be an absolute URI.",
        );
        assert_eq!(
            error.message_for("redirect_uris", text).as_deref(),
            Some("Line 4: Invalid Redirect: must be an absolute URI.")
        );
        assert!(error.message_for("javascript_origins", text).is_none());
        assert!(error.is_on_any(&["name", "redirect_uris"]));
        assert!(!FieldError::new("secrets", "x").is_on_any(&["name"]));
    }

    #[test]
    fn blank_lines_are_dropped_and_values_trimmed() {
        let values = vec!["a\r\n\r\n b \n".to_owned(), "c".to_owned()];
        assert_eq!(
            non_blank_lines(&values),
            vec![
                (1, "a".to_owned()),
                (3, "b".to_owned()),
                (4, "c".to_owned())
            ]
        );
    }
}
