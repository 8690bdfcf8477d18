package io.tributary.gateway.share;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Write locks on one share's paths: WebDAV LOCK today, SMB leases and gRPC later go through here.
 *
 * <p>Locks live in memory only and lapse after their timeout, so a restart or a lost client can never
 * leave a path locked for long. Expired locks are dropped lazily at the start of every call, using the
 * injected {@link Clock}; there is no background thread. All methods are thread-safe.
 *
 * <p>The number of locks is bounded so a client looping on LOCK cannot exhaust memory.
 */
public final class LockManager {
    /** The longest timeout granted; longer requests, including "Infinite", are capped to it. */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    /** Default bound on live locks per share. */
    public static final int DEFAULT_MAX_LOCKS = 100_000;
    /** Bound on the stored DAV:owner text, so the lock bound also bounds memory. */
    public static final int MAX_OWNER_CHARS = 4096;

    private static final String TOKEN_PREFIX = "urn:uuid:";

    /**
     * Orders paths name by name, a prefix before its extensions, so every subtree is one contiguous
     * run of keys beginning at its root.
     */
    private static final Comparator<SharePath> TREE_ORDER = (a, b) -> {
        List<String> x = a.names();
        List<String> y = b.names();
        int common = Math.min(x.size(), y.size());
        for (int i = 0; i < common; i++) {
            int c = x.get(i).compareTo(y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    };

    private final Clock clock;
    private final int maxLocks;
    private final Map<String, ActiveLock> byToken = new HashMap<>();
    /** Locks by root path; within one root, in the order they were granted. */
    private final NavigableMap<SharePath, Map<String, ActiveLock>> byRoot = new TreeMap<>(TREE_ORDER);
    /** Locks by expiry, so pruning looks only at the locks that have lapsed. */
    private final NavigableSet<ActiveLock> byExpiry = new TreeSet<>(
            Comparator.comparing(ActiveLock::expires).thenComparing(ActiveLock::token));

    public LockManager(Clock clock) {
        this(clock, DEFAULT_MAX_LOCKS);
    }

    /** A manager holding at most {@code maxLocks} live locks. */
    public LockManager(Clock clock, int maxLocks) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxLocks < 1) {
            throw new IllegalArgumentException("maxLocks must be at least 1: " + maxLocks);
        }
        this.maxLocks = maxLocks;
    }

    /**
     * Grants a lock or throws {@link ShareException.Kind#LOCKED} with a message naming the conflicting
     * lock's root.
     *
     * <p>An exclusive lock conflicts with any other lock affecting the same resource; a shared lock
     * conflicts only with an exclusive one. A new lock on X is affected by locks rooted at X, by deep
     * locks rooted at an ancestor of X and, when the new lock is deep, by any lock rooted below X.
     *
     * @param timeout the requested timeout; null means no preference. Capped to {@link #MAX_TIMEOUT}.
     * @throws ShareException LOCKED on a conflict or when the share holds the maximum number of locks;
     *                        TOO_LARGE when {@code ownerXml} exceeds {@link #MAX_OWNER_CHARS}
     * @throws IllegalArgumentException for a zero or negative timeout
     */
    public synchronized ActiveLock lock(SharePath root, boolean exclusive, boolean deep, String ownerXml,
                                        String principal, Duration timeout) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(principal, "principal");
        if (ownerXml != null && ownerXml.length() > MAX_OWNER_CHARS) {
            throw new ShareException(ShareException.Kind.TOO_LARGE,
                    "the lock owner is longer than " + MAX_OWNER_CHARS + " characters");
        }
        Duration granted = grantedTimeout(timeout);
        Instant now = prune();
        for (ActiveLock other : affecting(root, deep)) {
            if (exclusive || other.exclusive()) {
                throw new ShareException(ShareException.Kind.LOCKED, root + " cannot be locked: "
                        + (other.exclusive() ? "an exclusive" : "a shared") + " lock is held on " + other.root());
            }
        }
        if (byToken.size() >= maxLocks) {
            throw new ShareException(ShareException.Kind.LOCKED,
                    "the share already holds the maximum of " + maxLocks + " locks; try again when some expire");
        }
        String token;
        do {
            token = TOKEN_PREFIX + UUID.randomUUID();
        } while (byToken.containsKey(token));
        ActiveLock lock = new ActiveLock(token, root, exclusive, deep, ownerXml, principal, granted, now.plus(granted));
        store(lock);
        return lock;
    }

    /**
     * Refreshes the lock with this token if it covers {@code path}, restarting its timeout; empty if there
     * is no such live lock. Whether the requester may refresh it (its principal) is the caller's check.
     *
     * @param timeout the requested timeout; null means no preference. Capped to {@link #MAX_TIMEOUT}.
     */
    public synchronized Optional<ActiveLock> refresh(SharePath path, String token, Duration timeout) {
        Objects.requireNonNull(path, "path");
        Duration granted = grantedTimeout(timeout);
        Instant now = prune();
        ActiveLock old = byToken.get(token);
        if (old == null || !old.covers(path)) {
            return Optional.empty();
        }
        ActiveLock renewed = new ActiveLock(old.token(), old.root(), old.exclusive(), old.deep(), old.ownerXml(),
                old.principal(), granted, now.plus(granted));
        replace(old, renewed);
        return Optional.of(renewed);
    }

    /**
     * Removes the lock with this token if it covers {@code path}; false if there is none. Whether the
     * requester may remove it (its principal) is the caller's check.
     */
    public synchronized boolean unlock(SharePath path, String token) {
        Objects.requireNonNull(path, "path");
        prune();
        ActiveLock lock = byToken.get(token);
        if (lock == null || !lock.covers(path)) {
            return false;
        }
        remove(lock);
        return true;
    }

    /** Live locks that cover {@code path}: rooted at it, or deep and rooted at an ancestor. Sorted by root depth. */
    public synchronized List<ActiveLock> covering(SharePath path) {
        Objects.requireNonNull(path, "path");
        prune();
        return coveringLive(path);
    }

    /** Live locks rooted at or below {@code path} (for DELETE or MOVE of a collection), in path order. */
    public synchronized List<ActiveLock> within(SharePath path) {
        Objects.requireNonNull(path, "path");
        prune();
        return withinLive(path);
    }

    /** Drops every lock rooted at or below {@code path}, after the resource was deleted or moved away. */
    public synchronized void release(SharePath path) {
        Objects.requireNonNull(path, "path");
        prune();
        withinLive(path).forEach(this::remove);
    }

    public synchronized Optional<ActiveLock> byToken(String token) {
        prune();
        return Optional.ofNullable(byToken.get(token));
    }

    /**
     * Throws {@link ShareException.Kind#LOCKED} unless the requester may modify {@code path} (and, if
     * {@code recursive}, every locked resource below it).
     *
     * <p>A locked resource is writable when the request submits the token of a lock covering it and the
     * requester is that lock's principal; a token stolen from another user counts for nothing. Because
     * an exclusive lock never shares a resource with another lock, this means its own token is required.
     * Under several shared locks, any one of them suffices (RFC 4918 section 6.2: any principal holding a
     * valid lock can use the resource); otherwise each shared holder would block the others.
     */
    public synchronized void checkWritable(SharePath path, Set<String> submittedTokens, String principal,
                                           boolean recursive) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(submittedTokens, "submittedTokens");
        Objects.requireNonNull(principal, "principal");
        prune();
        requireHeld(path, coveringLive(path), submittedTokens, principal);
        if (recursive) {
            SharePath checked = path;
            for (ActiveLock below : withinLive(path)) {
                // Locks are in path order, so each locked root below is checked once.
                if (!below.root().equals(checked)) {
                    checked = below.root();
                    requireHeld(checked, coveringLive(checked), submittedTokens, principal);
                }
            }
        }
    }

    private static void requireHeld(SharePath path, List<ActiveLock> covering, Set<String> tokens, String principal) {
        if (covering.isEmpty()) {
            return;
        }
        for (ActiveLock lock : covering) {
            if (tokens.contains(lock.token()) && lock.principal().equals(principal)) {
                return;
            }
        }
        ActiveLock first = covering.getFirst();
        throw new ShareException(ShareException.Kind.LOCKED, path + " is locked by "
                + (first.exclusive() ? "an exclusive" : "a shared") + " lock on " + first.root()
                + "; the request did not submit a lock token of its holder");
    }

    private static Duration grantedTimeout(Duration requested) {
        if (requested == null) {
            return MAX_TIMEOUT;
        }
        if (requested.isNegative() || requested.isZero()) {
            throw new IllegalArgumentException("lock timeout must be positive: " + requested);
        }
        return requested.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : requested;
    }

    /** Locks a new lock on {@code root} would have to be compatible with. */
    private List<ActiveLock> affecting(SharePath root, boolean deep) {
        if (!deep) {
            return coveringLive(root);
        }
        List<ActiveLock> out = new ArrayList<>();
        if (!root.isRoot()) {
            out.addAll(coveringLive(root.parent()).stream().filter(ActiveLock::deep).toList());
        }
        out.addAll(withinLive(root));
        return out;
    }

    private List<ActiveLock> coveringLive(SharePath path) {
        List<ActiveLock> out = new ArrayList<>();
        List<String> names = path.names();
        for (int depth = 0; depth < names.size(); depth++) {
            Map<String, ActiveLock> atAncestor = byRoot.get(new SharePath(names.subList(0, depth)));
            if (atAncestor != null) {
                for (ActiveLock lock : atAncestor.values()) {
                    if (lock.deep()) {
                        out.add(lock);
                    }
                }
            }
        }
        Map<String, ActiveLock> atPath = byRoot.get(path);
        if (atPath != null) {
            out.addAll(atPath.values());
        }
        return out;
    }

    private List<ActiveLock> withinLive(SharePath path) {
        List<ActiveLock> out = new ArrayList<>();
        for (Map.Entry<SharePath, Map<String, ActiveLock>> e : byRoot.tailMap(path, true).entrySet()) {
            if (!e.getKey().startsWith(path)) {
                break;
            }
            out.addAll(e.getValue().values());
        }
        return out;
    }

    /** Drops lapsed locks and returns the instant used, so a call sees one consistent "now". */
    private Instant prune() {
        Instant now = clock.instant();
        while (!byExpiry.isEmpty() && !byExpiry.first().isLiveAt(now)) {
            remove(byExpiry.first());
        }
        return now;
    }

    private void store(ActiveLock lock) {
        byToken.put(lock.token(), lock);
        byRoot.computeIfAbsent(lock.root(), r -> new LinkedHashMap<>()).put(lock.token(), lock);
        byExpiry.add(lock);
    }

    /** Swaps in a renewed lock with the same token and root, keeping its place among its root's locks. */
    private void replace(ActiveLock old, ActiveLock renewed) {
        byExpiry.remove(old);
        byToken.put(renewed.token(), renewed);
        byRoot.get(renewed.root()).put(renewed.token(), renewed);
        byExpiry.add(renewed);
    }

    private void remove(ActiveLock lock) {
        byToken.remove(lock.token());
        byExpiry.remove(lock);
        Map<String, ActiveLock> atRoot = byRoot.get(lock.root());
        if (atRoot != null) {
            atRoot.remove(lock.token());
            if (atRoot.isEmpty()) {
                byRoot.remove(lock.root());
            }
        }
    }
}
