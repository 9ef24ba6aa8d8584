package io.elara.node.pipeline.text;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A template with placeholders in braces, such as <code>{text}</code>; doubled braces write literal braces. Which
 * placeholder names are allowed is the parser's choice: {@link #parse(String)} allows <code>{text}</code> only, {@link
 * #parse(String, Predicate)} whatever the predicate accepts. Parsed once; applying it allocates only the result.
 */
public final class TextTemplate {
    /** Literal, placeholder, literal, ..., literal: always one more literal than placeholders. */
    private final String[] literals;

    private final String[] fields;

    private TextTemplate(String[] literals, String[] fields) {
        this.literals = literals;
        this.fields = fields;
    }

    /** The most of an unknown placeholder's name an error shows. */
    private static final int NAME_SHOWN_MAX = 40;

    /**
     * Parses {@code template}, in which <code>{text}</code> stands for the input.
     *
     * @throws IllegalArgumentException with the column of an unknown placeholder or a lone brace
     */
    public static TextTemplate parse(String template) {
        return parse(template, "text"::equals);
    }

    /**
     * Parses {@code template} with the placeholders that {@code known} accepts.
     *
     * @throws IllegalArgumentException with the column of an unknown placeholder or a lone brace
     */
    public static TextTemplate parse(String template, Predicate<String> known) {
        List<String> literals = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (template.startsWith("{{", i) || template.startsWith("}}", i)) {
                literal.append(c);
                i += 2;
            } else if (c == '{') {
                int close = template.indexOf('}', i + 1);
                String name = close < 0 ? null : template.substring(i + 1, close);
                if (name == null || !known.test(name)) {
                    throw new IllegalArgumentException("column " + (i + 1) + ": "
                            + (name == null
                                    ? "'{' has no closing '}'; double it for a literal brace"
                                    : "unknown placeholder {" + shown(name) + "}"));
                }
                literals.add(literal.toString());
                literal.setLength(0);
                fields.add(name);
                i = close + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException(
                        "column " + (i + 1) + ": '}' must close a placeholder, or be doubled for a literal brace");
            } else {
                literal.append(c);
                i++;
            }
        }
        literals.add(literal.toString());
        return new TextTemplate(literals.toArray(new String[0]), fields.toArray(new String[0]));
    }

    /**
     * A placeholder's name as an error shows it: on one line and short, whatever the template held (a line break or an
     * escape sequence between braces would otherwise reach the terminal).
     */
    private static String shown(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && out.length() < NAME_SHOWN_MAX; i++) {
            char c = name.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return name.length() > NAME_SHOWN_MAX ? out + "..." : out.toString();
    }

    /** The template with every placeholder replaced by {@code text}. */
    public String apply(String text) {
        return apply(field -> text);
    }

    /** The template with each placeholder replaced by {@code values.apply(name)}; null writes nothing. */
    public String apply(Function<String, String> values) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < literals.length; i++) {
            if (i > 0) {
                String value = values.apply(fields[i - 1]);
                if (value != null) {
                    out.append(value);
                }
            }
            out.append(literals[i]);
        }
        return out.toString();
    }

    /** True when the template has no placeholder. */
    public boolean isConstant() {
        return fields.length == 0;
    }
}
