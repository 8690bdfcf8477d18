/** The {@code tributary} command line: flags become a {@code GatewayConfig}; nothing else lives here. */
package io.tributary.gateway.cli;
