//! A scripted browser for the web UI: a cookie-keeping HTTP client that reads forms (their
//! hidden fields, CSRF tokens included) and submits them, as a person clicking would.

use reqwest::{Response, StatusCode, header};

/// One `<form>` of a page: where it posts and its hidden fields.
#[derive(Debug, Clone)]
pub struct PageForm {
    pub action: String,
    pub hidden: Vec<(String, String)>,
}

fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of `name="..."` inside one tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Every form on the page, in document order.
pub fn forms(html: &str) -> Vec<PageForm> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let after = &rest[start..];
        let end = after
            .find("</form>")
            .map_or(after.len(), |e| e + "</form>".len());
        let form_html = &after[..end];
        let open_end = form_html.find('>').unwrap_or(form_html.len());
        let action = attribute(&form_html[..open_end], "action").unwrap_or_default();
        let mut hidden = Vec::new();
        let mut inputs = form_html;
        while let Some(i) = inputs.find("<input") {
            let tag_end = inputs[i..].find('>').map_or(inputs.len(), |e| i + e);
            let tag = &inputs[i..tag_end];
            if attribute(tag, "type").as_deref() == Some("hidden")
                && let (Some(name), Some(value)) = (attribute(tag, "name"), attribute(tag, "value"))
            {
                hidden.push((name, value));
            }
            inputs = &inputs[tag_end..];
        }
        found.push(PageForm { action, hidden });
        rest = &after[end..];
    }
    found
}

/// The form that posts to `action`.
pub fn form_posting_to(html: &str, action: &str) -> PageForm {
    forms(html)
        .into_iter()
        .find(|f| f.action == action)
        .unwrap_or_else(|| panic!("no form posting to {action} in:\n{html}"))
}

/// A browser session against one server.
#[derive(Debug, Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("browser client");
        Self {
            client,
            base: base.to_owned(),
        }
    }

    fn absolute(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.absolute(path))
            .send()
            .await
            .expect("GET sent")
    }

    /// GET a page and return its status and HTML.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("page body"))
    }

    /// Posts `form` with its hidden fields plus `fields`.
    pub async fn submit(&self, form: &PageForm, fields: &[(&str, &str)]) -> Response {
        let mut all: Vec<(String, String)> = form.hidden.clone();
        all.extend(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        self.client
            .post(self.absolute(&form.action))
            .form(&all)
            .send()
            .await
            .expect("form posted")
    }

    /// Signs in through the sign-in page; panics unless it succeeds.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let response = self.try_sign_in(email, password).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-in failed");
    }

    pub async fn try_sign_in(&self, email: &str, password: &str) -> Response {
        let (_, html) = self.page("/signin").await;
        let form = form_posting_to(&html, "/signin");
        self.submit(&form, &[("email", email), ("password", password)])
            .await
    }

    /// Follows an authorization request through account choice, the unverified-app warning
    /// and consent (answering with `decision`), returning the final response: a 302 to the
    /// app, or an error page.
    pub async fn authorize(&self, url: &str, decision: &str) -> Response {
        let mut response = self.get(url).await;
        for _ in 0..4 {
            if response.status() != StatusCode::OK {
                return response;
            }
            let html = response.text().await.expect("page");
            let form = form_posting_to(&html, "/o/oauth2/continue");
            response = if html.contains("name=\"decision\"") {
                self.submit(&form, &consent_fields(&html, decision)).await
            } else {
                // Account choice and the unverified-app warning: the form carries its flag.
                self.submit(&form, &[]).await
            };
        }
        response
    }
}

impl Browser {
    /// Like [`Browser::authorize`], for flows that end on a page of ours (the out-of-band
    /// code): returns the final status and the page, or the `Location` of a redirect.
    pub async fn authorize_to_end(&self, url: &str, decision: &str) -> (StatusCode, String) {
        let mut response = self.get(url).await;
        for _ in 0..4 {
            let status = response.status();
            if status != StatusCode::OK {
                return (status, location(&response));
            }
            let html = response.text().await.expect("page");
            let Some(form) = forms(&html)
                .into_iter()
                .find(|f| f.action == "/o/oauth2/continue")
            else {
                return (status, html);
            };
            response = if html.contains("name=\"decision\"") {
                self.submit(&form, &consent_fields(&html, decision)).await
            } else {
                self.submit(&form, &[]).await
            };
        }
        (response.status(), location(&response))
    }
}

/// The consent page's ticked scope boxes plus the decision.
fn consent_fields<'a>(html: &'a str, decision: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![("decision", decision)];
    let mut rest = html;
    while let Some(i) = rest.find("type=\"checkbox\"") {
        let tag_start = rest[..i].rfind("<input").unwrap_or(0);
        let tag_end = rest[i..].find('>').map_or(rest.len(), |e| i + e);
        let tag = &rest[tag_start..tag_end];
        if tag.contains(" checked")
            && let Some(value) = attribute_slice(tag, "value")
        {
            fields.push(("scope", value));
        }
        rest = &rest[tag_end..];
    }
    fields
}

/// The raw value of `name="..."` inside one tag, borrowed.
fn attribute_slice<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// The `Location` of a redirect.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
