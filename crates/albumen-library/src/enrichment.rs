//! Text, location and map enrichments (library-api.md §5.10): validation, and the
//! canonical JSON they are stored as.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::error::{LibraryResult, invalid};

/// A `LatLng` as sent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatLngInput {
    pub latitude: f64,
    pub longitude: f64,
}

/// A `Location` as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocationInput {
    pub location_name: Option<String>,
    pub latlng: Option<LatLngInput>,
}

/// A `NewEnrichmentItem`: which of its one-of fields were set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnrichmentInput {
    pub text: Option<String>,
    pub location: Option<LocationInput>,
    /// `(origin, destination)`.
    pub map: Option<(Option<LocationInput>, Option<LocationInput>)>,
}

fn location_json(location: &LocationInput, at: &str) -> LibraryResult<Value> {
    let mut out = Map::new();
    if let Some(name) = location.location_name.as_deref().filter(|n| !n.is_empty()) {
        out.insert("locationName".into(), json!(name));
    }
    if let Some(latlng) = location.latlng {
        let valid = latlng.latitude.is_finite()
            && latlng.longitude.is_finite()
            && (-90.0..=90.0).contains(&latlng.latitude)
            && (-180.0..=180.0).contains(&latlng.longitude);
        if !valid {
            return Err(invalid(format!(
                "Invalid value at '{at}.latlng': latitude must be in [-90, 90] and longitude in [-180, 180]."
            )));
        }
        out.insert("latlng".into(), json!(latlng));
    }
    if out.is_empty() {
        return Err(invalid(format!(
            "Invalid value at '{at}': a location needs a name or a latlng."
        )));
    }
    Ok(Value::Object(out))
}

impl EnrichmentInput {
    /// Checks that exactly one kind is set and well formed; returns its canonical JSON.
    pub fn validated_json(&self) -> LibraryResult<String> {
        let set = [
            self.text.is_some(),
            self.location.is_some(),
            self.map.is_some(),
        ]
        .iter()
        .filter(|s| **s)
        .count();
        if set != 1 {
            return Err(invalid(
                "A new enrichment item must have exactly one of textEnrichment, locationEnrichment and mapEnrichment.",
            ));
        }
        let value = if let Some(text) = &self.text {
            if text.trim().is_empty() {
                return Err(invalid("A text enrichment must have text."));
            }
            json!({"textEnrichment": {"text": text}})
        } else if let Some(location) = &self.location {
            json!({"locationEnrichment": {"location": location_json(location, "new_enrichment_item.location_enrichment.location")?}})
        } else if let Some((origin, destination)) = &self.map {
            let (Some(origin), Some(destination)) = (origin, destination) else {
                return Err(invalid(
                    "A map enrichment needs an origin and a destination.",
                ));
            };
            json!({"mapEnrichment": {
                "origin": location_json(origin, "new_enrichment_item.map_enrichment.origin")?,
                "destination": location_json(destination, "new_enrichment_item.map_enrichment.destination")?,
            }})
        } else {
            return Err(invalid("A new enrichment item must be specified."));
        };
        Ok(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(name: &str, lat: f64, lng: f64) -> LocationInput {
        LocationInput {
            location_name: Some(name.into()),
            latlng: Some(LatLngInput {
                latitude: lat,
                longitude: lng,
            }),
        }
    }

    #[test]
    fn exactly_one_kind_is_accepted() {
        let text = EnrichmentInput {
            text: Some("Day one".into()),
            ..EnrichmentInput::default()
        };
        assert_eq!(
            text.validated_json().unwrap(),
            r#"{"textEnrichment":{"text":"Day one"}}"#
        );
        let both = EnrichmentInput {
            text: Some("x".into()),
            location: Some(place("Oslo", 59.9, 10.7)),
            ..EnrichmentInput::default()
        };
        assert!(both.validated_json().is_err());
        assert!(EnrichmentInput::default().validated_json().is_err());
    }

    #[test]
    fn locations_and_maps_are_checked() {
        let map = EnrichmentInput {
            map: Some((
                Some(place("Oslo", 59.9, 10.7)),
                Some(place("Bergen", 60.4, 5.3)),
            )),
            ..EnrichmentInput::default()
        };
        assert!(map.validated_json().unwrap().contains("\"destination\""));
        let half = EnrichmentInput {
            map: Some((Some(place("Oslo", 59.9, 10.7)), None)),
            ..EnrichmentInput::default()
        };
        assert!(half.validated_json().is_err());
        let off_earth = EnrichmentInput {
            location: Some(place("Nowhere", 91.0, 0.0)),
            ..EnrichmentInput::default()
        };
        assert!(
            off_earth
                .validated_json()
                .unwrap_err()
                .to_string()
                .contains("latitude")
        );
        let empty = EnrichmentInput {
            location: Some(LocationInput::default()),
            ..EnrichmentInput::default()
        };
        assert!(empty.validated_json().is_err());
    }
}
