/**
 * Sign-in parts gateway and central share: local user stores, password hashes, the sign-in
 * throttle, and the check of the endpoints an OIDC issuer names.
 */
package io.tributary.proto.auth;
