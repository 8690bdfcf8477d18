/**
 * The write-ahead journal: every namespace change, in order, durable before it is acknowledged.
 * The namespace replays it after a crash; the uplink streams it to central.
 */
package io.tributary.gateway.journal;
