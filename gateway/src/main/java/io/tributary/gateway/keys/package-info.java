/**
 * Tenant key material: the dedupe key that makes chunk ids and the data key that seals chunks, and
 * where the gateway keeps them, a PKCS#12 file readable only by its own user.
 */
package io.tributary.gateway.keys;
