package io.tributary.gateway.cli;

import io.tributary.gateway.Gateway;
import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.keys.KeyProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code tributary gateway keys}: rotation and destruction of tenant keys. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Rotate or destroy tenant keys. Every action is recorded in the gateway's audit trail.",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.Destroy.class})
public final class KeysCommand {
    private KeysCommand() {
    }

    /** What both subcommands take. */
    static final class Target {
        @Option(names = "--data", required = true, paramLabel = "DIR", description = "The gateway's data directory.")
        Path data;

        @Option(names = "--tenant", paramLabel = "NAME", defaultValue = Gateway.DEFAULT_TENANT,
                description = "The tenant whose keys to act on. Default: ${DEFAULT-VALUE}.")
        String tenant;

        @Mixin
        KeyOptions keyOptions = new KeyOptions();

        void check() {
            if (!Files.isDirectory(data)) {
                throw new IllegalArgumentException("--data " + data + " is not a gateway data directory");
            }
        }

        /** Runs {@code action} on the provider and records it as {@code auditAction} by the operating-system user. */
        int run(CommandSpec spec, String auditAction, Action action) {
            check();
            String actor = "os:" + System.getProperty("user.name", "?");
            try (AuditTrail audit = AuditTrail.open(data.resolve(Gateway.AUDIT_DIR))) {
                try {
                    String said = action.on(keyOptions.open(data));
                    audit.record(actor, auditAction, tenant, "", said);
                    spec.commandLine().getOut().println(said);
                    spec.commandLine().getOut().flush();
                    return 0;
                } catch (IOException e) {
                    audit.record(actor, auditAction, tenant, "", "failed: " + e.getMessage());
                    spec.commandLine().getErr().println("tributary gateway keys: " + e.getMessage());
                    return Main.CANNOT_START;
                }
            }
        }
    }

    @FunctionalInterface
    interface Action {
        String on(KeyProvider provider) throws IOException;
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Wrap the tenant's keys under a new key-encryption key (a new keystore password, or a new Vault transit key"
                    + " version). Nothing is re-encrypted; everything stays readable. Safe while the gateway runs.")
    static final class Rotate implements java.util.concurrent.Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return target.run(spec, "key.rotate", p -> p.rotate(target.tenant));
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true,
            description = "Destroy the tenant's keys for good (crypto-erasure): its chunks stay on disk but can never be read again,"
                    + " and its shares answer as erased. With Vault, the transit key is deleted, so no gateway or backup can unwrap"
                    + " it. There is no undo.")
    static final class Destroy implements java.util.concurrent.Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Option(names = "--confirm", required = true, paramLabel = "TENANT",
                description = "The tenant's name once more, to show this is meant.")
        String confirm;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!target.tenant.equals(confirm)) {
                throw new IllegalArgumentException("--confirm " + confirm + " does not name the tenant " + target.tenant
                        + "; nothing was destroyed");
            }
            return target.run(spec, "key.destroy", p -> p.destroy(target.tenant));
        }
    }
}
