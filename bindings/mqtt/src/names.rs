//! Every name and wire constant of the binding in one place: property names,
//! content types, URL schemes and the defaults documented in the config.

/// The prefix some SDKs (sdk-go's paho binding) put before attribute names in
/// MQTT 5 user properties. Accepted on input; ferry always writes bare names.
pub const CE_PREFIX: &str = "ce-";

/// The user property that marks a binary-mode MQTT 5 message.
pub const SPECVERSION: &str = "specversion";

/// Tolerated as a user property on input (the spec's own example has it);
/// `Content Type` wins when both are present and differ.
pub const DATACONTENTTYPE: &str = "datacontenttype";

/// URL schemes ferry connects with, and the MQTT default port.
pub const SCHEME_MQTT: &str = "mqtt";
pub const SCHEME_TCP: &str = "tcp";
/// Recognised only to say that TLS is not there yet.
pub const TLS_SCHEMES: &[&str] = &["mqtts", "ssl"];
pub const DEFAULT_PORT: u16 = 1883;

/// `client_id` defaults to `ferry-<name>-<hostname>`.
pub const CLIENT_ID_PREFIX: &str = "ferry";

/// The largest packet MQTT can frame (a remaining length of 268,435,455 bytes).
pub const MQTT_MAX_PACKET: u32 = 268_435_455;

/// Defaults of the config keys (design.md, "Defaults").
pub const DEFAULT_QOS: u8 = 1;
pub const DEFAULT_SESSION_EXPIRY_SECS: u32 = 86_400;
pub const DEFAULT_RECEIVE_MAXIMUM: u16 = 1024;
pub const DEFAULT_MAX_PACKET_BYTES: u32 = 1_048_576;

/// Keep-alive both clients ask for; the broker may override it (MQTT 5).
pub const KEEP_ALIVE_SECS: u64 = 30;
