package io.tributary.sync;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/** The entry point of the sync client: a folder, a gateway share, and the way to follow them. */
public final class Sync implements AutoCloseable {
    private final FolderSync folder;
    private final Progress progress;

    private Sync(FolderSync folder, Progress progress) {
        this.folder = folder;
        this.progress = progress;
    }

    /**
     * @param terminal draw progress bars (a terminal) rather than a line per file
     */
    public static Sync open(Path folder, String gateway, Path ca, String user, char[] password, String name, boolean terminal)
            throws IOException {
        GatewayAddress address = GatewayAddress.parse(gateway);
        SyncState state = SyncState.open(folder);
        ShareClient client = ShareClient.connect(address, ca, user, password);
        try {
            state.meta("gateway", address.toString());
            Progress progress = new Progress(System.out, terminal);
            return new Sync(new FolderSync(folder, client, state, progress, name != null ? name : hostName()), progress);
        } catch (RuntimeException e) {
            client.close();
            state.close();
            throw e;
        }
    }

    /** One reconcile; true if everything is in sync. */
    public boolean once() throws IOException {
        return folder.once().inSync();
    }

    /** Reconciles after every change until the thread is interrupted. */
    public void continuously() throws IOException, InterruptedException {
        folder.continuously();
    }

    private static String hostName() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            int dot = h.indexOf('.');
            return dot > 0 ? h.substring(0, dot) : h;
        } catch (UnknownHostException e) {
            return "sync";
        }
    }

    @Override
    public void close() {
        progress.close();
        folder.close();
    }
}
