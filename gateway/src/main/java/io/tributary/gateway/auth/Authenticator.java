package io.tributary.gateway.auth;

import java.util.Optional;

/** Decides who sent a request from its credentials. */
public interface Authenticator {
    /**
     * @param authorization the request's {@code Authorization} header, or null
     * @param remoteAddress the peer's address, for rate limiting failed attempts
     * @return who sent it, or empty if the credentials are missing or wrong
     */
    Optional<Principal> authenticate(String authorization, String remoteAddress);
}
