# ferry runtime image: build in a full Rust image, run as a non-root user on a slim base.
FROM rust:1-bookworm AS build
# librdkafka is built from source by the rdkafka crate (bundled): it needs a C/C++
# toolchain, make and cmake.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin ferry \
 && strip target/release/ferry

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/ferry --create-home ferry
COPY --from=build /src/target/release/ferry /usr/local/bin/ferry
USER 10001
WORKDIR /var/lib/ferry
EXPOSE 8080 9600
ENTRYPOINT ["ferry"]
CMD ["run", "--config", "/etc/ferry/ferry.toml"]
