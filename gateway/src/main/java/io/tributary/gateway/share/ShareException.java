package io.tributary.gateway.share;

/** A refused namespace operation. The kind says why; the message says it to a person. */
public final class ShareException extends RuntimeException {
    public enum Kind {
        NOT_FOUND,
        /** The parent directory does not exist (WebDAV 409). */
        PARENT_MISSING,
        ALREADY_EXISTS,
        NOT_A_DIRECTORY,
        IS_A_DIRECTORY,
        /** A name no branch could serve: Windows-reserved, trailing dot or space, control characters. */
        INVALID_NAME,
        /** Another entry in the directory has the same name ignoring case. */
        NAME_COLLISION,
        /** A directory moved or copied into itself. */
        INTO_ITSELF,
        /** A write lock held by someone else covers the resource. */
        LOCKED,
        /** The body was larger than the configured limit. */
        TOO_LARGE,
        /** The store is out of space or the journal cannot take more. */
        NO_SPACE,
        /** The cache is at its cap with data central does not have yet: try again later. */
        BUSY,
        /** The entry is not the version the caller based its change on. */
        PRECONDITION_FAILED
    }

    private final Kind kind;

    public ShareException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
