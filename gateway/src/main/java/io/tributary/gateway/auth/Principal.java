package io.tributary.gateway.auth;

import java.util.Set;

/**
 * Who sent a request, as far as access is concerned.
 *
 * @param name   the user name: lock owner, audit subject
 * @param roles  the issuer's realm roles; empty for a local user
 * @param groups the issuer's groups (Keycloak: paths such as {@code /finance}); empty for a local user
 * @param local  a user of the gateway's own store, set up by whoever runs the gateway
 */
public record Principal(String name, Set<String> roles, Set<String> groups, boolean local) {
    public Principal {
        roles = Set.copyOf(roles);
        groups = Set.copyOf(groups);
    }

    public static Principal local(String name) {
        return new Principal(name, Set.of(), Set.of(), true);
    }

    public static Principal ofRealm(String name, Set<String> roles, Set<String> groups) {
        return new Principal(name, roles, groups, false);
    }
}
