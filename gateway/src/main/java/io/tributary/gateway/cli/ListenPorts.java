package io.tributary.gateway.cli;

import picocli.CommandLine.Option;

/** The two ports every gateway listens on, as command-line options. */
final class ListenPorts {
    @Option(names = "--share-port", defaultValue = "8080", description = "WebDAV port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int sharePort;

    @Option(names = "--http-port", defaultValue = "8081", description = "Health and metrics port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int httpPort;
}
