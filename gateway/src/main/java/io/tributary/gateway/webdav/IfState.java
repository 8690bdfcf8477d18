package io.tributary.gateway.webdav;

import io.tributary.gateway.share.Entry;
import io.tributary.gateway.share.ShareNamespace;

import java.util.Optional;

/**
 * The resource state an If header is evaluated against. Tagged URIs are resolved like a Destination;
 * a tag that names another server, or does not parse, names no resource here, so its conditions
 * about entity tags and lock tokens simply do not hold.
 */
final class IfState implements IfHeader.ResourceState {
    private final DavRequest request;

    IfState(DavRequest request) {
        this.request = request;
    }

    @Override
    public Optional<String> etag(String resource) {
        Optional<DavAddress> address = address(resource);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        return request.namespaceOf(address.get().share())
                .flatMap(ns -> ns.stat(address.get().path()))
                .map(Entry::etag);
    }

    @Override
    public boolean isLockToken(String resource, String token) {
        Optional<DavAddress> address = address(resource);
        if (address.isEmpty()) {
            return false;
        }
        Optional<ShareNamespace> ns = request.namespaceOf(address.get().share());
        return ns.isPresent() && ns.get().locks().covering(address.get().path()).stream()
                .anyMatch(lock -> lock.token().equals(token));
    }

    private Optional<DavAddress> address(String resource) {
        if (resource == null) {
            return Optional.of(request.target());
        }
        try {
            return Optional.of(Destination.resolve(resource, request.origin()));
        } catch (DavException | io.tributary.gateway.share.ShareException e) {
            return Optional.empty();
        }
    }
}
