//! Albumen's domain core: identifiers, domain types, domain errors, the injectable clock and
//! the storage ports that `albumen-store` implements. It knows nothing of HTTP or SQL.
#![forbid(unsafe_code)]

pub mod changes;
pub mod client;
pub mod clock;
pub mod consent;
pub mod derivative;
pub mod error;
pub mod grant;
pub mod media;
pub mod page;
pub mod ports;
pub mod project;
pub mod quota;
pub mod upload;
pub mod upload_session;
pub mod user;

pub use clock::{Clock, FakeClock, SystemClock};
pub use error::StoreError;
pub use page::{Page, Paged};
