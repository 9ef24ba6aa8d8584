package io.elara.node.channel.flow;

/** A filter expression that does not parse; the message is one line that starts with the 1-based column. */
public final class FilterParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int column;

    FilterParseException(int column, String problem) {
        super("column " + column + ": " + problem);
        this.column = column;
    }

    /** Where the problem is, counting the expression's first character as column 1. */
    public int column() {
        return column;
    }
}
