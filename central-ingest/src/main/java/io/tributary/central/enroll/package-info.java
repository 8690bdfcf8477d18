/**
 * Gateway identity: central's certificate authority, one-time enrollment tokens, the
 * certificates issued to gateways, their revocation, and the mutual TLS that admits only
 * gateways holding a valid, unrevoked certificate.
 */
package io.tributary.central.enroll;
