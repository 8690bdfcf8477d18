package io.tributary.central.cli;

import io.tributary.central.enroll.CertificateAuthority;
import io.tributary.central.enroll.EnrollmentToken;
import io.tributary.central.enroll.EnrollmentTokens;
import io.tributary.central.meta.MetaStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code central token}: makes a one-time enrollment token for a branch and prints it. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Make a one-time enrollment token for a branch; the gateway uses it with 'tributary gateway enroll'.")
public final class TokenCommand implements Callable<Integer> {
    @Mixin
    CentralStore store;

    @Option(names = "--branch", required = true, paramLabel = "NAME", description = "The branch the token enrolls.")
    String branch;

    @Option(names = "--expires", defaultValue = "24h", paramLabel = "DURATION",
            description = "How long the token may be used: 30m, 24h, 7d (at most). Default: ${DEFAULT-VALUE}.")
    String expires;

    @Override
    public Integer call() throws Exception {
        Duration lifetime = DurationText.parse(expires, "--expires");
        io.tributary.central.enroll.Branches.check(branch);
        store.check();
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(store.data.resolve("ca"));
        try (MetaStore meta = store.open()) {
            EnrollmentToken token = new EnrollmentTokens(meta.database(), ca.fingerprint(), System::currentTimeMillis)
                    .create(branch, lifetime);
            store.record(meta, "enroll.token", branch, "valid " + expires);
            System.out.println(token);
            System.err.println("tributary central token: made a token for branch '" + branch + "', valid " + expires
                    + " and once: ./tributary gateway enroll --data DIR --central HOST:PORT --token " + token);
        }
        return 0;
    }
}
