//! The web pages `productUrl`s open: the owner signed in sees the item and the album; others
//! get a not-found page, and signed-out visitors are sent to sign in.

use albumen_testkit::seed::{ADMIN_EMAIL, ADMIN_PASSWORD};
use albumen_testkit::spawn_app;
use reqwest::StatusCode;

use super::support::*;

#[tokio::test]
async fn product_urls_open_the_item_and_the_album_for_their_owner() {
    let app = spawn_app().await;
    let seeded = app.seed().await;
    let token = token(&app, &seeded, &seeded.desktop.client.client_id, ALL_CURRENT).await;
    let album_id = create_album(&app, &token, "Holidays").await;
    let item = create_photo(&app, &token, 21, Some(&album_id)).await;
    let product_url = item["productUrl"].as_str().unwrap();
    let path = product_url.strip_prefix(&app.address).unwrap();

    let stranger = app.browser();
    let response = stranger.get(path).await;
    assert!(
        response.status().is_redirection(),
        "signed-out visitors go to sign-in"
    );

    let owner = app.browser();
    owner.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, html) = owner.page(path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("photo.jpg") && html.contains("Holidays"),
        "{html}"
    );
    assert!(
        html.contains("/lr/"),
        "the page shows the photo through a base URL"
    );
    let (status, html) = owner.page(&format!("/lr/album/{album_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Holidays") && html.contains("1 item<"),
        "{html}"
    );
    let (status, _) = owner.page("/lr/photo/Anosuchitem").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
