//! In-process tests: codecs against literal wire values, the source against a
//! real HTTP client, the sink against a small hyper server, all on 127.0.0.1.

mod codec;
mod sink;
mod source;
mod support;
