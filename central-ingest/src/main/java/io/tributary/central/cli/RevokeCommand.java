package io.tributary.central.cli;

import io.tributary.central.enroll.Branches;
import io.tributary.central.enroll.IssuedCertificates;
import io.tributary.central.meta.MetaStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code central revoke}: revokes every certificate of a branch. Running central nodes read
 * revocations every second and close the branch's open sessions.
 */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke a branch's gateway certificates; central closes its sessions within a second.")
public final class RevokeCommand implements Callable<Integer> {
    @Mixin
    CentralStore store;

    @Option(names = "--branch", required = true, paramLabel = "NAME", description = "The branch to cut off.")
    String branch;

    @Override
    public Integer call() throws Exception {
        Branches.check(branch);
        store.check();
        try (MetaStore meta = store.open()) {
            IssuedCertificates issued = new IssuedCertificates(meta.database(), System::currentTimeMillis);
            if (issued.issuedFor(branch) == 0) {
                throw new IllegalArgumentException("no certificate was ever issued for branch '" + branch + "'");
            }
            int revoked = issued.revokeBranch(branch);
            store.record(meta, "gateway.revoke", branch, revoked + " certificates");
            System.out.println("revoked " + revoked + " certificate" + (revoked == 1 ? "" : "s") + " of branch '" + branch + "'");
        }
        return 0;
    }
}
