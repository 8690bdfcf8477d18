/**
 * The LAN gRPC API ({@code tributary.v1.FileService}): files of the gateway's shares for clients
 * that do not map a drive, such as {@code tributary sync}. A thin front-end over the share
 * namespace, like the WebDAV one: it checks credentials and input, and turns calls into namespace
 * operations and namespace errors into gRPC statuses. TLS with the gateway's own certificate.
 */
package io.tributary.gateway.lanapi;
