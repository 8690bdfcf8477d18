/**
 * The filesystem chunk store: sealed chunks exactly as gateways sent them, one file per chunk in
 * sharded directories, written durably (temp file, fsync, rename, fsync of the directory) so a
 * chunk central has reported present survives a crash. Central cannot open these bytes.
 */
package io.tributary.central.chunks;
