package io.tributary.gateway.cli;

import io.tributary.gateway.enroll.EnrolledCertificate;
import io.tributary.gateway.enroll.Enroller;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tributary gateway enroll}: gets this gateway its certificate for central. */
@Command(name = "enroll", mixinStandardHelpOptions = true,
        description = "Enroll this gateway with central using a one-time token: makes a key pair here, has central sign it,"
                + " and stores the certificate in DATA/identity (readable by this user only).")
public final class EnrollCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The gateway's data directory.")
    Path data;

    @Option(names = "--central", required = true, paramLabel = "HOST:PORT", description = "Central's gRPC address.")
    String central;

    @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "The token from 'tributary central token'.")
    String token;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (Files.exists(data) && !Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data " + data + " exists and is not a directory");
        }
        io.tributary.gateway.uplink.UplinkSettings.checkTarget(central);
        try {
            EnrolledCertificate enrolled = Enroller.enroll(data, central, token);
            spec.commandLine().getOut().println("enrolled as branch '" + enrolled.branch() + "' (certificate " + enrolled.serial()
                    + ", valid until " + enrolled.certificate().getNotAfter().toInstant() + ")");
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IOException e) {
            spec.commandLine().getErr().println("tributary gateway enroll: " + e.getMessage());
            return Main.CANNOT_START;
        }
    }
}
