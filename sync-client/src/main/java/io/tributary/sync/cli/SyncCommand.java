package io.tributary.sync.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tributary.sync.Sync;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.concurrent.Callable;

@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Two-way sync of a local folder with a share of a branch gateway, over its LAN gRPC API.",
                "Credentials come from $TRIBUTARY_USER and $TRIBUTARY_PASSWORD, or a prompt on a terminal.",
                "Exit status: 0 in sync; 1 some paths could not be synced (listed); 3 cannot reach or sign in to the gateway."})
public final class SyncCommand implements Callable<Integer> {
    static final int OUT_OF_SYNC = 1;
    static final int UNREACHABLE = 3;

    @Parameters(index = "0", paramLabel = "LOCAL_DIR", description = "The folder to keep in sync (created if missing).")
    Path folder;

    @Parameters(index = "1", paramLabel = "HOST:PORT/SHARE", description = "The gateway's LAN API and the share.")
    String gateway;

    @Option(names = "--ca", required = true, paramLabel = "PEM",
            description = "The gateway's certificate to trust (DATA/tls/gateway.crt on the gateway).")
    Path ca;

    @Option(names = "--once", description = "Reconcile once and exit with the status above, instead of syncing continuously.")
    boolean once;

    @Option(names = "--name", paramLabel = "NAME", description = "This machine's name in conflict copies. Default: the host name.")
    String name;

    @Override
    public Integer call() throws Exception {
        String user = System.getenv("TRIBUTARY_USER");
        String password = System.getenv("TRIBUTARY_PASSWORD");
        // Since Java 22 a console exists even when output goes to a pipe; only a terminal gets bars and prompts.
        Console console = System.console() != null && System.console().isTerminal() ? System.console() : null;
        if ((user == null || password == null) && console != null) {
            user = user != null ? user : console.readLine("user: ");
            password = password != null ? password : new String(console.readPassword("password for %s: ", user));
        }
        if (user == null || password == null || user.isEmpty()) {
            System.err.println("tributary sync: no credentials; set TRIBUTARY_USER and TRIBUTARY_PASSWORD (never on the command line)");
            return UNREACHABLE;
        }
        String badCa = certificateProblem(ca);
        if (badCa != null) {
            System.err.println("tributary sync: --ca " + ca + ": " + badCa);
            return UNREACHABLE;
        }
        Files.createDirectories(folder);
        try (Sync sync = Sync.open(folder, gateway, ca, user, password.toCharArray(), name, console != null)) {
            if (once) {
                return sync.once() ? 0 : OUT_OF_SYNC;
            }
            sync.continuously();
            return 0;
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            System.err.println("tributary sync: " + (code == Status.Code.UNAUTHENTICATED ? "the gateway refused the credentials"
                    : code == Status.Code.UNAVAILABLE ? "cannot reach the gateway at " + gateway
                    : "the gateway refused: " + code) + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")"));
            return UNREACHABLE;
        }
    }

    /** Why {@code pem} cannot be the gateway certificate to trust, or null if it can. */
    static String certificateProblem(Path pem) {
        if (!Files.isReadable(pem)) {
            return "cannot read it";
        }
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()
                    ? "holds no certificate (expected PEM, as DATA/tls/gateway.crt on the gateway)" : null;
        } catch (IOException | CertificateException e) {
            return "not a readable PEM certificate";
        }
    }
}
