/** Sign-in parts gateway and central share: local user stores, password hashes, the sign-in throttle. */
package io.tributary.proto.auth;
