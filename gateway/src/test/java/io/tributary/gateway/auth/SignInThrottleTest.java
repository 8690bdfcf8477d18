package io.tributary.gateway.auth;

import io.tributary.proto.auth.SignInThrottle;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignInThrottleTest {
    @Test
    void aUserIsHeldBackAfterAFewFailuresUntilTheWindowPasses() {
        SettableClock clock = new SettableClock();
        SignInThrottle t = new SignInThrottle(clock);
        for (int i = 0; i < SignInThrottle.USER_FAILURES; i++) {
            assertTrue(t.allows("alice", "10.0.0." + i), "failure " + i);
            t.failed("alice", "10.0.0." + i);
        }
        assertFalse(t.allows("alice", "10.0.0.99"), "from any address");
        assertTrue(t.allows("bob", "10.0.0.1"), "other users are not held back");
        clock.advance(SignInThrottle.WINDOW.plus(Duration.ofSeconds(1)));
        assertTrue(t.allows("alice", "10.0.0.99"), "once the window has passed");
    }

    @Test
    void anAddressTryingManyNamesIsHeldBack() {
        SignInThrottle t = new SignInThrottle(new SettableClock());
        for (int i = 0; i < SignInThrottle.ADDRESS_FAILURES; i++) {
            assertTrue(t.allows("user" + i, "192.0.2.7"));
            t.failed("user" + i, "192.0.2.7");
        }
        assertFalse(t.allows("someone-new", "192.0.2.7"));
        assertTrue(t.allows("someone-new", "192.0.2.8"));
    }

    @Test
    void aSignInClearsTheUsersFailuresButNotTheAddresss() {
        SignInThrottle t = new SignInThrottle(new SettableClock());
        for (int i = 0; i < SignInThrottle.USER_FAILURES - 1; i++) {
            t.failed("alice", "10.0.0.1");
        }
        t.succeeded("alice");
        t.failed("alice", "10.0.0.2");
        assertTrue(t.allows("alice", "10.0.0.2"), "one failure since the sign-in");
    }
}
