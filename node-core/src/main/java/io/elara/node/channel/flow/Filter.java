package io.elara.node.channel.flow;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A parsed filter: a predicate over a {@link FilterSubject}. Immutable and thread-safe; parse once, test many times.
 *
 * <p>The language, from loosest to tightest binding:
 *
 * <pre>
 * expression := or
 * or         := and ( "or" and )*
 * and        := unary ( "and" unary )*
 * unary      := "not" unary | "(" expression ")" | comparison
 * comparison := field operator string
 * field      := "kind" | "author" | "session" | "text" | "headers." name
 * name       := letter, digit, '-' or '_', one or more
 * operator   := "==" | "!=" | "contains" | "startsWith" | "matches"
 * string     := '"' characters '"'       (inside, \" is a quote and \\ a backslash)
 * </pre>
 *
 * Keywords and field names are case-sensitive; spaces separate tokens and are otherwise ignored. {@code matches}
 * takes a Java regular expression that must match the whole field. Example: {@code kind == "text" and not (author
 * == "bot" or headers.x-origin startsWith "bridge")}. A comparison with a field the event lacks is false, except
 * {@code !=}, which is true. An expression has at most {@link #LENGTH_MAX} characters and nests at most {@link
 * #DEPTH_MAX} deep. {@link #parse} reports the first problem as one line naming its column, e.g. {@code column 14:
 * expected a string after 'contains'}.
 */
public final class Filter {
    /** Characters in an expression, at most. */
    public static final int LENGTH_MAX = 4096;
    /** Nested parentheses and {@code not}s, at most: keeps the parser's recursion bounded. */
    public static final int DEPTH_MAX = 64;

    private final String source;
    private final Node root;

    private Filter(String source, Node root) {
        this.source = source;
        this.root = root;
    }

    /** Parses {@code expression}; throws with a one-line message naming the column of the first problem. */
    public static Filter parse(String expression) throws FilterParseException {
        Objects.requireNonNull(expression, "expression");
        if (expression.length() > LENGTH_MAX) {
            throw new FilterParseException(LENGTH_MAX + 1, "an expression has at most " + LENGTH_MAX + " characters");
        }
        Parser parser = new Parser(expression);
        Node root = parser.expression(0);
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw parser.error("expected 'and', 'or' or the end of the expression");
        }
        return new Filter(expression, root);
    }

    /** True when {@code subject} passes this filter. */
    public boolean test(FilterSubject subject) {
        return root.test(subject);
    }

    @Override
    public String toString() {
        return source;
    }

    private interface Node {
        boolean test(FilterSubject subject);
    }

    private record Or(Node left, Node right) implements Node {
        @Override
        public boolean test(FilterSubject subject) {
            return left.test(subject) || right.test(subject);
        }
    }

    private record And(Node left, Node right) implements Node {
        @Override
        public boolean test(FilterSubject subject) {
            return left.test(subject) && right.test(subject);
        }
    }

    private record Not(Node operand) implements Node {
        @Override
        public boolean test(FilterSubject subject) {
            return !operand.test(subject);
        }
    }

    private enum Operator {
        EQUALS("=="),
        NOT_EQUALS("!="),
        CONTAINS("contains"),
        STARTS_WITH("startsWith"),
        MATCHES("matches");

        final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }
    }

    /** {@code header} is null for the fixed fields; {@code pattern} is set for {@code matches} only. */
    private record Comparison(String field, String header, Operator operator, String operand, Pattern pattern)
            implements Node {
        @Override
        public boolean test(FilterSubject subject) {
            String value = header != null ? subject.header(header) : fieldOf(subject);
            if (value == null) {
                return operator == Operator.NOT_EQUALS;
            }
            return switch (operator) {
                case EQUALS -> value.equals(operand);
                case NOT_EQUALS -> !value.equals(operand);
                case CONTAINS -> value.contains(operand);
                case STARTS_WITH -> value.startsWith(operand);
                case MATCHES -> pattern.matcher(value).matches();
            };
        }

        private String fieldOf(FilterSubject subject) {
            return switch (field) {
                case "kind" -> subject.kind();
                case "author" -> subject.author();
                case "session" -> subject.session();
                case "text" -> subject.text();
                default -> throw new IllegalStateException("unknown field " + field);
            };
        }
    }

    /** Recursive descent straight over the characters; positions are 0-based, columns in messages 1-based. */
    private static final class Parser {
        private final String input;
        private int position;

        Parser(String input) {
            this.input = input;
        }

        Node expression(int depth) throws FilterParseException {
            Node left = and(depth);
            while (keyword("or")) {
                left = new Or(left, and(depth));
            }
            return left;
        }

        private Node and(int depth) throws FilterParseException {
            Node left = unary(depth);
            while (keyword("and")) {
                left = new And(left, unary(depth));
            }
            return left;
        }

        private Node unary(int depth) throws FilterParseException {
            if (depth >= DEPTH_MAX) {
                skipSpaces();
                throw error("nested more than " + DEPTH_MAX + " deep");
            }
            if (keyword("not")) {
                return new Not(unary(depth + 1));
            }
            skipSpaces();
            if (peek() == '(') {
                position++;
                Node inner = expression(depth + 1);
                skipSpaces();
                if (peek() != ')') {
                    throw error("expected ')'");
                }
                position++;
                return inner;
            }
            return comparison();
        }

        private Node comparison() throws FilterParseException {
            skipSpaces();
            int fieldStart = position;
            String word = word();
            String field;
            String header = null;
            if (word.equals("kind") || word.equals("author") || word.equals("session") || word.equals("text")) {
                field = word;
            } else if (word.equals("headers") && peek() == '.') {
                position++;
                header = headerName();
                field = "headers";
            } else {
                position = fieldStart;
                throw error("expected a field (kind, author, session, text or headers.NAME)");
            }
            skipSpaces();
            Operator operator = operator();
            skipSpaces();
            if (peek() != '"') {
                throw error("expected a string after '" + operator.symbol + "'");
            }
            int stringStart = position;
            String operand = string();
            Pattern pattern = null;
            if (operator == Operator.MATCHES) {
                try {
                    pattern = Pattern.compile(operand);
                } catch (PatternSyntaxException e) {
                    // The regex's own description spans several lines; its first line is the useful part.
                    throw new FilterParseException(
                            stringStart + 1, "invalid regular expression: " + e.getDescription());
                }
            }
            return new Comparison(field, header, operator, operand, pattern);
        }

        private Operator operator() throws FilterParseException {
            if (input.startsWith("==", position)) {
                position += 2;
                return Operator.EQUALS;
            }
            if (input.startsWith("!=", position)) {
                position += 2;
                return Operator.NOT_EQUALS;
            }
            int start = position;
            String word = word();
            for (Operator operator : Operator.values()) {
                if (operator.symbol.equals(word)) {
                    return operator;
                }
            }
            position = start;
            throw error("expected an operator (==, !=, contains, startsWith, matches)");
        }

        private String headerName() throws FilterParseException {
            int start = position;
            while (!atEnd() && isNameCharacter(peek())) {
                position++;
            }
            if (position == start) {
                throw error("expected a header name after 'headers.'");
            }
            return input.substring(start, position);
        }

        private String string() throws FilterParseException {
            int start = position;
            position++;
            StringBuilder value = new StringBuilder();
            while (!atEnd()) {
                char next = input.charAt(position++);
                if (next == '"') {
                    return value.toString();
                }
                if (next == '\\') {
                    if (atEnd() || (peek() != '"' && peek() != '\\')) {
                        position--;
                        throw error("expected '\\\"' or '\\\\' (the only escapes)");
                    }
                    next = input.charAt(position++);
                }
                value.append(next);
            }
            position = start;
            throw error("unterminated string");
        }

        /** Consumes {@code keyword} if it comes next as a whole word. */
        private boolean keyword(String keyword) {
            skipSpaces();
            int end = position + keyword.length();
            if (input.startsWith(keyword, position) && (end == input.length() || !isNameCharacter(input.charAt(end)))) {
                position = end;
                return true;
            }
            return false;
        }

        private String word() {
            int start = position;
            while (!atEnd() && Character.isLetter(peek())) {
                position++;
            }
            return input.substring(start, position);
        }

        void skipSpaces() {
            while (!atEnd() && Character.isWhitespace(peek())) {
                position++;
            }
        }

        boolean atEnd() {
            return position >= input.length();
        }

        private char peek() {
            return atEnd() ? '\0' : input.charAt(position);
        }

        FilterParseException error(String problem) {
            return new FilterParseException(position + 1, problem);
        }

        private static boolean isNameCharacter(char character) {
            return Character.isLetterOrDigit(character) || character == '-' || character == '_';
        }
    }
}
