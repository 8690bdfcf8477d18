/** What operators see: the gateway's metrics and its health, served on the operator port. */
package io.tributary.gateway.observe;
