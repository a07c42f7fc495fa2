//! Where to connect: the `url` key (`mqtt://[user[:password]@]host[:port]`) and
//! the default client id `ferry-<name>-<hostname>`.
//!
//! Parsed by hand: the grammar is small, and rumqttc's own URL parser needs a
//! `client_id` query parameter that ferry takes from its own key instead.

use std::borrow::Cow;

use crate::names::{CLIENT_ID_PREFIX, DEFAULT_PORT, SCHEME_MQTT, SCHEME_TCP, TLS_SCHEMES};

/// Stands in for a password in `Debug` output and logs.
const REDACTED: &str = "<redacted>";

/// A parsed broker URL.
#[derive(Clone, PartialEq, Eq)]
pub struct Broker {
    pub host: String,
    pub port: u16,
    /// User name and password, percent-decoded.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Broker")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .finish()
    }
}

impl std::fmt::Display for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// Parses `mqtt://[user[:password]@]host[:port][/]`; the error says what is wrong.
pub fn parse(url: &str) -> Result<Broker, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("not a URL like mqtt://host:1883")?;
    let scheme = scheme.to_ascii_lowercase();
    if TLS_SCHEMES.contains(&scheme.as_str()) {
        return Err("TLS (mqtts://) is not supported yet; use mqtt://".into());
    }
    if scheme != SCHEME_MQTT && scheme != SCHEME_TCP {
        return Err(format!(
            "scheme `{scheme}://` is not supported; use mqtt://"
        ));
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#']) {
        return Err("an MQTT URL has no path or query: mqtt://[user:password@]host[:port]".into());
    }
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((userinfo, hostport)) => (Some(userinfo), hostport),
        None => (None, authority),
    };
    let (host, port) = host_port(hostport)?;
    let credentials = userinfo.map(credentials).transpose()?;
    Ok(Broker {
        host,
        port,
        credentials,
    })
}

fn host_port(hostport: &str) -> Result<(String, u16), String> {
    let (host, port) = if let Some(bracketed) = hostport.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or("unclosed `[` in the host")?;
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(format!("unexpected `{after}` after the host")),
            },
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        }
    };
    if host.is_empty() {
        return Err("the URL has no host".into());
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(port) => match port.parse::<u16>() {
            Ok(port) if port != 0 => port,
            _ => return Err(format!("`{port}` is not a port number (1-65535)")),
        },
    };
    Ok((host.to_owned(), port))
}

fn credentials(userinfo: &str) -> Result<(String, String), String> {
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let user = percent_decode(user).ok_or("the user name is not valid percent-encoded UTF-8")?;
    let password =
        percent_decode(password).ok_or("the password is not valid percent-encoded UTF-8")?;
    Ok((user, password))
}

/// `%XX` sequences decoded; `None` for a broken sequence or invalid UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The URL with its password replaced, for `Debug` output and logs.
pub fn redact(url: &str) -> Cow<'_, str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Cow::Borrowed(url);
    };
    let Some((userinfo, hostport)) = rest.rsplit_once('@') else {
        return Cow::Borrowed(url);
    };
    match userinfo.split_once(':') {
        Some((user, _)) => Cow::Owned(format!("{scheme}://{user}:{REDACTED}@{hostport}")),
        None => Cow::Borrowed(url),
    }
}

/// `ferry-<name>-<hostname>`: replicas sharing one config get distinct sessions.
pub fn default_client_id(name: &str) -> String {
    format!("{CLIENT_ID_PREFIX}-{name}-{}", hostname())
}

/// The kernel's host name (a container's is its pod or container name), else
/// `$HOSTNAME`, else `localhost`.
fn hostname() -> String {
    let from_kernel = std::fs::read_to_string("/proc/sys/kernel/hostname").ok();
    let from_env = || std::env::var("HOSTNAME").ok();
    from_kernel
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(from_env)
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_host_port_and_credentials() {
        let b = parse("mqtt://127.0.0.1:1883").unwrap();
        assert_eq!(
            (b.host.as_str(), b.port, b.credentials),
            ("127.0.0.1", 1883, None)
        );
        let b = parse("tcp://broker/").unwrap();
        assert_eq!((b.host.as_str(), b.port), ("broker", 1883));
        let b = parse("MQTT://u%40x:p%3Ass@[::1]:2883").unwrap();
        assert_eq!((b.host.as_str(), b.port), ("::1", 2883));
        assert_eq!(b.credentials, Some(("u@x".into(), "p:ss".into())));
        assert_eq!(b.to_string(), "[::1]:2883");
        let b = parse("mqtt://user@h").unwrap();
        assert_eq!(b.credentials, Some(("user".into(), String::new())));
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        for (url, says) in [
            ("mqtts://h:8883", "TLS"),
            ("http://h", "not supported"),
            ("h:1883", "not a URL"),
            ("mqtt://:1883", "no host"),
            ("mqtt://h:0", "not a port"),
            ("mqtt://h:x", "not a port"),
            ("mqtt://h/topic", "no path"),
            ("mqtt://u:%zz@h", "password"),
            ("mqtt://[::1", "unclosed"),
        ] {
            let err = parse(url).unwrap_err();
            assert!(err.contains(says), "{url}: {err}");
        }
    }

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(redact("mqtt://u:s3cret@h:1"), "mqtt://u:<redacted>@h:1");
        assert_eq!(redact("mqtt://u@h"), "mqtt://u@h");
        assert_eq!(redact("mqtt://h"), "mqtt://h");
        let err = parse("u:s3cret@h").unwrap_err();
        assert!(!err.contains("s3cret"), "{err}");
    }

    #[test]
    fn default_client_id_names_the_source_and_host() {
        let id = default_client_id("devices");
        assert!(id.starts_with("ferry-devices-"), "{id}");
        assert!(id.len() > "ferry-devices-".len(), "{id}");
    }
}
