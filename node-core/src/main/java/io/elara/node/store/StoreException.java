package io.elara.node.store;

/**
 * The node's database cannot do what was asked: it is not an elara database, it is damaged, it is newer than this
 * build, or a statement failed. The message is one line that names the file and says what the operator can do.
 */
public class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
