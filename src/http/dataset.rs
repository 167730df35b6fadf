//! Decoding the records of a conformance dataset (a provider state), shared by
//! every API's `dataset.rs`: a resource's records are a list, each decoded
//! into that API's own type, and a record that does not fit is named.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// The records of one resource of a dataset, each decoded as `T`.
pub fn decode_records<T: DeserializeOwned>(
    resource: &str,
    items: &Value,
) -> Result<Vec<T>, String> {
    let Some(items) = items.as_array() else {
        return Err(format!("{resource} is a list of records"));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| T::deserialize(item).map_err(|e| format!("{resource}[{i}]: {e}")))
        .collect()
}
