/**
 * What operators watch: central's Dropwizard metrics (names documented in docs/central.md) and
 * the operator endpoints {@code /health}, {@code /health/live}, {@code /health/ready} and
 * {@code /metrics} in the Prometheus text format.
 */
package io.tributary.central.observe;
