/**
 * The gRPC ingest service gateways talk to: the long-lived session (hello and welcome, need and
 * have, chunk upload, commits and their acks, heartbeats, and the change feed streamed back),
 * chunk fetches for cache misses, and the registry of open sessions that wakes feeds when a
 * commit lands. Flow control runs both ways: one inbound message at a time, and feed messages
 * only while the transport is ready. The protocol is described in docs/protocol.md.
 */
package io.tributary.central.ingest;
