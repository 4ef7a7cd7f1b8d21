//! The page shell (head, style, header with the signed-in user) and the shared error page.

use albumen_core::user::User;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

const STYLE: &str = "
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1f2328}
header{background:#fff;border-bottom:1px solid #d8dee4;padding:.6rem 1.2rem;display:flex;gap:1rem;align-items:center}
header a.brand{font-weight:600;text-decoration:none;color:#1f2328}
header .who{margin-left:auto;display:flex;gap:.8rem;align-items:center}
main{max-width:52rem;margin:1.5rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:1.4rem;margin-bottom:1rem}
.narrow{max-width:28rem;margin-left:auto;margin-right:auto}
label{display:block;margin:.8rem 0 .25rem;font-weight:500}
input[type=text],input[type=email],input[type=password],input[type=url],select,textarea{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #bbc3cc;border-radius:6px;font:inherit}
textarea{min-height:5rem}
button,.button{background:#1a73e8;color:#fff;border:0;border-radius:6px;padding:.55rem 1rem;font:inherit;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:#1a73e8;border:1px solid #bbc3cc}
button.danger{background:#d93025}
.actions{display:flex;gap:.6rem;margin-top:1.2rem;flex-wrap:wrap}
.error{color:#b3261e;font-size:.92rem;margin:.3rem 0}
.flash{background:#e6f4ea;border:1px solid #a8dab5;padding:.6rem .8rem;border-radius:6px}
.warning{background:#fef7e0;border:1px solid #f9d67a;padding:.8rem;border-radius:6px}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.45rem;border-bottom:1px solid #eaeef2;vertical-align:top}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.88rem;overflow-wrap:anywhere}
pre{background:#f6f8fa;padding:.8rem;border-radius:6px;overflow:auto}
ul.scopes{list-style:none;padding:0}ul.scopes li{padding:.5rem 0;border-bottom:1px solid #eaeef2}
.muted{color:#59636e;font-size:.92rem}
details summary{cursor:pointer;color:#1a73e8}
";

/// Pages may load only their own inline style and images; forms may post anywhere (the
/// consent form's redirect goes to the app).
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; \
     frame-ancestors 'none'; base-uri 'none'";

/// A whole HTML document. `signed_in` is the user and their CSRF token (for the sign-out
/// form in the header).
pub fn document(title: &str, signed_in: Option<(&User, &str)>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Albumen" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                header {
                    a.brand href="/" { "Albumen" }
                    @if let Some((user, csrf_token)) = signed_in {
                        a href="/console" { "Console" }
                        a href="/account" { "Your account" }
                        @if user.is_admin { a href="/admin/users" { "Users" } }
                        span.who {
                            span.muted { (user.email.as_str()) }
                            form method="post" action="/signout" {
                                input type="hidden" name="csrf_token" value=(csrf_token);
                                button.secondary type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// An HTML response with the page CSP.
pub fn html_response(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, axum::response::Html(markup.into_string())).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Google's error page shape: "Error 400: redirect_uri_mismatch", a sentence, and the
/// request details a developer needs.
pub fn error_page(
    status: u16,
    code: &str,
    description: &str,
    details: &[(&str, String)],
) -> Response {
    let body = html! {
        div.card.narrow {
            h1 { "Access blocked" }
            p { "This request could not be completed." }
            p { strong { "Error " (status) ": " (code) } }
            p { (description) }
            @if !details.is_empty() {
                details {
                    summary { "Request details" }
                    ul {
                        @for (name, value) in details {
                            li { code { (name) "=" (value) } }
                        }
                    }
                }
            }
        }
    };
    html_response(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        document("Error", None, body),
    )
}

/// A plain failure page with a request id to quote, for unexpected errors.
pub fn internal_error_page() -> Response {
    let body = html! {
        div.card.narrow {
            h1 { "Something went wrong" }
            p { "The server could not finish this request. Please try again." }
        }
    };
    html_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        document("Error", None, body),
    )
}
