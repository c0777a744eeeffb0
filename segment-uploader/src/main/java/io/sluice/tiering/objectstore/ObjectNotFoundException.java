package io.sluice.tiering.objectstore;

/**
 * The object does not exist ({@link ObjectStoreException.Kind#NOT_FOUND}, HTTP 404 {@code NoSuchKey}); not
 * retriable.
 */
public final class ObjectNotFoundException extends ObjectStoreException {

    private static final long serialVersionUID = 1L;

    ObjectNotFoundException(String message, int httpStatus, Throwable cause) {
        super(Kind.NOT_FOUND, message, httpStatus, cause);
    }

    /** The object {@code key} does not exist. */
    public static ObjectNotFoundException forKey(String key) {
        return new ObjectNotFoundException("No object with key " + key, 404, null);
    }
}
