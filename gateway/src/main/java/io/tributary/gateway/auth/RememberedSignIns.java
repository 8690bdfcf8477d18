package io.tributary.gateway.auth;

import io.tributary.proto.auth.PasswordHash;
import io.tributary.proto.fs.PrivateFile;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Users Keycloak admitted lately, each with a salted slow hash of the password it accepted and
 * the time it did: while Keycloak or the WAN is down, such a user is still admitted with that
 * same password for a bounded window after their last sign-in. Kept in a file only the service
 * user can read, so a restart during an outage keeps the branch working.
 */
public final class RememberedSignIns {
    private record Remembered(Instant at, Set<String> roles, Set<String> groups, String hash) {
    }

    private final Path file;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Remembered> users = new TreeMap<>();

    private RememberedSignIns(Path file, Duration window, Clock clock) {
        this.file = file;
        this.window = window;
        this.clock = clock;
    }

    /** @param window how long after a user's last sign-in at Keycloak the gateway admits them on its own */
    public static RememberedSignIns open(Path file, Duration window) throws IOException {
        return open(file, window, Clock.systemUTC());
    }

    static RememberedSignIns open(Path file, Duration window, Clock clock) throws IOException {
        if (window.isNegative()) {
            throw new IllegalArgumentException("the offline window must not be negative");
        }
        RememberedSignIns r = new RememberedSignIns(file, window, clock);
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.split(":", 5);
                if (line.startsWith("#") || parts.length != 5) {
                    continue;
                }
                try {
                    r.users.put(decode(parts[0]), new Remembered(Instant.ofEpochSecond(Long.parseLong(parts[1])),
                            decodeSet(parts[2]), decodeSet(parts[3]), parts[4]));
                } catch (IllegalArgumentException e) {
                    // a damaged line only costs that user a sign-in at Keycloak
                }
            }
        }
        return r;
    }

    /** After Keycloak accepted {@code password} for {@code who}, with their roles and groups as then. Slow (hashes). */
    public void remember(Principal who, char[] password) throws IOException {
        if (window.isZero()) {
            return;
        }
        String hash = PasswordHash.of(password);
        synchronized (this) {
            users.put(who.name(), new Remembered(clock.instant(), who.roles(), who.groups(), hash));
            Instant oldest = clock.instant().minus(window);
            users.values().removeIf(r -> r.at().isBefore(oldest));
            save();
        }
    }

    /** After Keycloak refused {@code user}'s password: an old remembered one must not outlive that. */
    public synchronized void forget(String user) throws IOException {
        if (users.remove(user) != null) {
            save();
        }
    }

    /** {@code user} as Keycloak last admitted them, if with this password and within the window. Slow. */
    public Optional<Principal> admits(String user, char[] password) {
        Remembered r;
        synchronized (this) {
            r = users.get(user);
        }
        if (r == null || r.at().isBefore(clock.instant().minus(window))) {
            PasswordHash.spendTime(password);
            return Optional.empty();
        }
        return PasswordHash.matches(r.hash(), password) ? Optional.of(Principal.ofRealm(user, r.roles(), r.groups())) : Optional.empty();
    }

    private void save() throws IOException {
        StringBuilder out = new StringBuilder("# Users Keycloak admitted lately, URL-encoded: NAME:EPOCH_SECONDS:ROLES:GROUPS:"
                + "pbkdf2-sha256$ITERATIONS$SALT$HASH\n");
        users.forEach((name, r) -> out.append(encode(name)).append(':').append(r.at().getEpochSecond()).append(':')
                .append(encodeSet(r.roles())).append(':').append(encodeSet(r.groups())).append(':').append(r.hash()).append('\n'));
        PrivateFile.replace(file, out);
    }

    // URL encoding keeps ':' ',' and line breaks out of the fields, whatever the issuer's names hold.
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String encodeSet(Set<String> values) {
        return values.stream().map(RememberedSignIns::encode).sorted().collect(Collectors.joining(","));
    }

    private static Set<String> decodeSet(String field) {
        return field.isEmpty() ? Set.of() : Arrays.stream(field.split(",")).map(RememberedSignIns::decode).collect(Collectors.toSet());
    }
}
