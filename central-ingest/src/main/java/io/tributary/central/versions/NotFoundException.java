package io.tributary.central.versions;

/** The share, path or version asked for does not exist; the API answers 404. */
public final class NotFoundException extends Exception {
    public NotFoundException(String message) {
        super(message);
    }
}
