package io.tributary.central.console;

import java.util.List;

/** A signed-in admin: who, with which roles, the CSRF token their page must echo, and until when. */
public record ConsoleSession(String user, List<String> roles, String csrf, long expiresMillis) {
    public ConsoleSession {
        roles = List.copyOf(roles);
    }
}
