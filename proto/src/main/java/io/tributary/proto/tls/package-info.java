/** What gateway and central do alike on their TLS ports: a clear log line for each handshake they refuse. */
package io.tributary.proto.tls;
