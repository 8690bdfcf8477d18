/**
 * Central ingest: the node gateways stream their journals to and receive every other branch's
 * changes from. {@link io.tributary.central.Central} wires the stores, the gRPC ingest service,
 * the operator and admin HTTP endpoints and the version retention timer.
 */
package io.tributary.central;
