package io.tributary.central.console;

import io.tributary.proto.auth.LocalUserStore;
import io.tributary.proto.auth.PasswordHash;
import io.tributary.proto.auth.SignInThrottle;

import java.util.List;

/**
 * Signs in central's local admins ({@code --admin-user}) by name and password, with the same
 * per-name and per-address throttle a gateway applies to its users.
 */
public final class AdminSignIn {
    /** The role every local admin has. */
    public static final String LOCAL_ADMIN = "admin";

    /** Why a sign-in did not succeed. */
    public enum Refusal { WRONG, THROTTLED }

    /** A success (the admin's roles) or a refusal. */
    public record Outcome(List<String> roles, Refusal refusal) {
        public boolean ok() {
            return refusal == null;
        }
    }

    private final LocalUserStore admins;
    private final SignInThrottle throttle;

    public AdminSignIn(LocalUserStore admins, SignInThrottle throttle) {
        this.admins = admins;
        this.throttle = throttle;
    }

    public Outcome check(String user, char[] password, String address) {
        if (!throttle.allows(user, address)) {
            return new Outcome(List.of(), Refusal.THROTTLED);
        }
        boolean ok;
        try {
            LocalUserStore.checkName(user);
            ok = admins.verify(user, password);
        } catch (IllegalArgumentException badName) {
            PasswordHash.spendTime(password);   // a malformed name costs as long as a wrong password
            ok = false;
        }
        if (!ok) {
            throttle.failed(user, address);
            return new Outcome(List.of(), Refusal.WRONG);
        }
        throttle.succeeded(user);
        return new Outcome(List.of(LOCAL_ADMIN), null);
    }
}
