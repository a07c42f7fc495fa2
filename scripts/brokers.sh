#!/usr/bin/env bash
# Starts the brokers the end-to-end tests talk to, on 127.0.0.1, each only if its
# port is not already listening, installing it from Debian's packages first when it
# is missing. Mosquitto 1883, RabbitMQ 5672, NATS with JetStream 4222, and for Kafka
# the Kafka-compatible tansu on 9092 (memory storage; installed once with
# `cargo install`, 10-15 minutes on a 2-core machine).
#
# tansu 0.6.0 has two storage bugs that shape this: its memory storage returns
# nothing for a fetch that starts inside a record batch (so tests produce one
# record per batch where they seek or resume mid-topic), and its SQLite storage
# panics in the idempotent-producer check under concurrent producers, after which
# the broker answers nothing at all. A wedged test is better than a dead broker.
set -euo pipefail

STATE_DIR="${FERRY_BROKER_DIR:-${TMPDIR:-/tmp}/ferry-brokers}"
mkdir -p "$STATE_DIR"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # name port seconds
    local deadline=$((SECONDS + $3))
    until listening "$2"; do
        if ((SECONDS >= deadline)); then
            echo "brokers: $1 did not listen on $2 within $3 s" >&2
            return 1
        fi
        sleep 0.2
    done
    echo "brokers: $1 listening on $2" >&2
}

apt_install() {
    echo "brokers: installing $*" >&2
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "${FERRY_APT_UPDATED:-}" ]; then
        apt-get update -qq
        export FERRY_APT_UPDATED=1
    fi
    apt-get install -y -qq "$@" >/dev/null
}

start_mosquitto() {
    listening 1883 && { echo "brokers: mosquitto already on 1883" >&2; return; }
    command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || apt_install mosquitto
    cat >"$STATE_DIR/mosquitto.conf" <<CONF
listener 1883 127.0.0.1
allow_anonymous true
max_queued_messages 100000
CONF
    /usr/sbin/mosquitto -d -c "$STATE_DIR/mosquitto.conf"
    wait_port mosquitto 1883 20
}

start_nats() {
    listening 4222 && { echo "brokers: nats already on 4222" >&2; return; }
    [ -x /usr/sbin/nats-server ] || command -v nats-server >/dev/null 2>&1 || apt_install nats-server
    local bin
    bin=$(command -v nats-server || echo /usr/sbin/nats-server)
    mkdir -p "$STATE_DIR/nats"
    nohup "$bin" -a 127.0.0.1 -p 4222 -js -sd "$STATE_DIR/nats" >"$STATE_DIR/nats.log" 2>&1 </dev/null &
    wait_port nats 4222 20
}

start_rabbitmq() {
    listening 5672 && { echo "brokers: rabbitmq already on 5672" >&2; return; }
    [ -x /usr/sbin/rabbitmq-server ] || apt_install rabbitmq-server
    /usr/sbin/rabbitmq-server -detached
    wait_port rabbitmq 5672 120
}

TANSU_VERSION=0.6.0

tansu_bin() {
    command -v tansu 2>/dev/null || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tansu"
}

start_tansu() {
    listening 9092 && { echo "brokers: kafka (tansu?) already on 9092" >&2; return; }
    local bin
    bin=$(tansu_bin)
    if [ ! -x "$bin" ]; then
        echo "brokers: installing tansu $TANSU_VERSION with cargo (slow, once)" >&2
        # dynostore: memory storage; libsql: SQLite storage for restart tests.
        cargo install tansu --version "$TANSU_VERSION" --features dynostore,libsql --locked \
            >"$STATE_DIR/tansu-install.log" 2>&1 ||
            { tail -20 "$STATE_DIR/tansu-install.log" >&2; return 1; }
        bin=$(tansu_bin)
    fi
    nohup "$bin" broker \
        --kafka-listener-url tcp://127.0.0.1:9092 \
        --kafka-advertised-listener-url tcp://127.0.0.1:9092 \
        --storage-engine memory://tansu/ >"$STATE_DIR/tansu.log" 2>&1 </dev/null &
    wait_port tansu 9092 60
}

start_mosquitto
start_nats
start_rabbitmq
start_tansu
