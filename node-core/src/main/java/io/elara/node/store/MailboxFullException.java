package io.elara.node.store;

/** The mailbox holds as many messages as it may ({@code rowsMax}); nothing was added. */
public final class MailboxFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    public MailboxFullException(String message) {
        super(message);
    }
}
