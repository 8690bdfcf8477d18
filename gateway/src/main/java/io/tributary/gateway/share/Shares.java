package io.tributary.gateway.share;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The shares a gateway serves, by name. Each has its own root URL on the front-ends. */
public final class Shares {
    private final Map<String, ShareNamespace> byName = new TreeMap<>();

    public Shares(Collection<ShareNamespace> shares) {
        for (ShareNamespace share : shares) {
            byName.put(share.name(), share);
        }
    }

    public Optional<ShareNamespace> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<ShareNamespace> all() {
        return byName.values();
    }
}
