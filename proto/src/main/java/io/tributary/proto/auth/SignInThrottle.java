package io.tributary.proto.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed sign-ins, per user name and per client address: past a few failures within a window,
 * that name or address is refused without a look at its credentials (and without asking
 * Keycloak) until the window has passed. Guessing a password then costs hours, not seconds, and
 * an attacker cannot use the gateway to hammer the identity provider.
 */
public final class SignInThrottle {
    public static final int USER_FAILURES = 5;
    public static final int ADDRESS_FAILURES = 20;
    public static final Duration WINDOW = Duration.ofMinutes(15);
    /** Names and addresses tracked at most; the least recently failed are forgotten first. */
    private static final int TRACKED = 10_000;

    private final Clock clock;
    private final Map<String, ArrayDeque<Instant>> failures = new LinkedHashMap<>(16, 0.75f, true);

    public SignInThrottle() {
        this(Clock.systemUTC());
    }

    public SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** False if this user or this address has failed too often lately. */
    public synchronized boolean allows(String user, String address) {
        Instant now = clock.instant();
        return recent("u:" + user, now) < USER_FAILURES && recent("a:" + address, now) < ADDRESS_FAILURES;
    }

    public synchronized void failed(String user, String address) {
        Instant now = clock.instant();
        for (String key : new String[] {"u:" + user, "a:" + address}) {
            failures.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
            recent(key, now);
        }
        while (failures.size() > TRACKED) {
            failures.remove(failures.keySet().iterator().next());
        }
    }

    /** A user who signed in is not held back by their earlier typos; the address keeps its count. */
    public synchronized void succeeded(String user) {
        failures.remove("u:" + user);
    }

    private int recent(String key, Instant now) {
        ArrayDeque<Instant> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        Instant since = now.minus(WINDOW);
        while (!times.isEmpty() && times.peekFirst().isBefore(since)) {
            times.pollFirst();
        }
        // Bounded: nobody past the limit is checked, so a blocked key's list stops growing at the limit.
        while (times.size() > ADDRESS_FAILURES) {
            times.pollFirst();
        }
        if (times.isEmpty()) {
            failures.remove(key);
            return 0;
        }
        return times.size();
    }
}
