/** Sign-in parts gateway and central share: local user stores, password hashes, the sign-in throttle, the check of an OIDC issuer's endpoints. */
package io.tributary.proto.auth;
