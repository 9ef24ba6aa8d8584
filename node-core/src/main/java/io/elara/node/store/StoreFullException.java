package io.elara.node.store;

/**
 * The disk (or the database's size limit) is full. The transaction that hit it was rolled back, so everything stored
 * before it is intact; writes succeed again once there is room.
 */
public final class StoreFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
