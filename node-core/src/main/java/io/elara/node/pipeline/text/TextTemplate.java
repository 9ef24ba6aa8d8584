package io.elara.node.pipeline.text;

/**
 * A template in which <code>{text}</code> stands for the input; doubled braces write literal braces. Parsed once;
 * applying it allocates only the result.
 */
public final class TextTemplate {
    private final String[] literals;

    private TextTemplate(String[] literals) {
        this.literals = literals;
    }

    /**
     * Parses {@code template}.
     *
     * @throws IllegalArgumentException with the column of an unknown placeholder or a lone brace
     */
    public static TextTemplate parse(String template) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (template.startsWith("{{", i) || template.startsWith("}}", i)) {
                literal.append(c);
                i += 2;
            } else if (template.startsWith("{text}", i)) {
                parts.add(literal.toString());
                literal.setLength(0);
                i += "{text}".length();
            } else if (c == '{' || c == '}') {
                throw new IllegalArgumentException(
                        "column " + (i + 1) + ": '" + c + "' must be part of {text}, or doubled for a literal brace");
            } else {
                literal.append(c);
                i++;
            }
        }
        parts.add(literal.toString());
        return new TextTemplate(parts.toArray(new String[0]));
    }

    public String apply(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < literals.length; i++) {
            if (i > 0) {
                out.append(text);
            }
            out.append(literals[i]);
        }
        return out.toString();
    }
}
