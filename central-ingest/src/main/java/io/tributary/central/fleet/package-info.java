/** What central knows of its gateways for the console: recent throughput from their heartbeats. */
package io.tributary.central.fleet;
