package io.elara.node.channel.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterTest {
    /** kind text, author alice, session lobby, text "hello world", header x-origin: bridge-1; no other fields. */
    private static final FilterSubject EVENT = new FilterSubject() {
        private final Map<String, String> headers = Map.of("x-origin", "bridge-1");

        @Override
        public String kind() {
            return "text";
        }

        @Override
        public String author() {
            return "alice";
        }

        @Override
        public String session() {
            return "lobby";
        }

        @Override
        public String text() {
            return "hello \"world\"";
        }

        @Override
        public String header(String name) {
            return headers.get(name);
        }
    };

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            kind == "text"                                   | true
            kind == "voice"                                  | false
            author != "bob"                                  | true
            author != "alice"                                | false
            session contains "obb"                           | true
            session contains "x"                             | false
            text startsWith "hello"                          | true
            text startsWith "world"                          | false
            text contains "\\"world\\""                      | true
            author matches "a.*e"                            | true
            author matches "lic"                             | false
            headers.x-origin startsWith "bridge"             | true
            headers.missing == "x"                           | false
            headers.missing != "x"                           | true
            headers.missing contains ""                      | false
            kind == "text" and author == "alice"             | true
            kind == "text" and author == "bob"               | false
            kind == "voice" or author == "alice"             | true
            kind == "voice" or author == "bob"               | false
            not author == "bob"                              | true
            not not author == "bob"                          | false
            kind == "voice" or kind == "text" and author == "bob"   | false
            (kind == "voice" or kind == "text") and author == "alice" | true
            not (author == "bob" or headers.x-origin == "bridge-1")   | false
            kind=="text"and(author=="alice")                 | true
            """)
    void shouldEvaluateWhenTheExpressionIsValid(String expression, boolean expected) throws FilterParseException {
        assertThat(Filter.parse(expression).test(EVENT)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            ''                                  | column 1: expected a field (kind, author, session, text or headers.NAME)
            'colour == "red"'                   | column 1: expected a field (kind, author, session, text or headers.NAME)
            'kind == "a" and  == "b"'           | column 18: expected a field (kind, author, session, text or headers.NAME)
            'headers. == "x"'                   | column 9: expected a header name after 'headers.'
            'author "alice"'                    | column 8: expected an operator (==, !=, contains, startsWith, matches)
            'author is "alice"'                 | column 8: expected an operator (==, !=, contains, startsWith, matches)
            'text contains 42'                  | column 15: expected a string after 'contains'
            'text contains'                     | column 14: expected a string after 'contains'
            'text == "abc'                      | column 9: unterminated string
            'text == "a\\nb"'                   | column 11: expected '\\"' or '\\\\' (the only escapes)
            'text matches "(unclosed"'          | column 14: invalid regular expression: Unclosed group
            '(kind == "text"'                   | column 16: expected ')'
            'kind == "text" author == "x"'      | column 16: expected 'and', 'or' or the end of the expression
            'kind == "text" and'                | column 19: expected a field (kind, author, session, text or headers.NAME)
            """)
    void shouldNameTheColumnWhenTheExpressionIsInvalid(String expression, String message) {
        assertThatThrownBy(() -> Filter.parse(expression))
                .isInstanceOf(FilterParseException.class)
                .hasMessage(message);
    }

    @Test
    void shouldRefuseWhenTheExpressionIsTooLong() {
        String expression = "text == \"" + "x".repeat(Filter.LENGTH_MAX) + "\"";

        assertThatThrownBy(() -> Filter.parse(expression))
                .isInstanceOf(FilterParseException.class)
                .hasMessage("column 4097: an expression has at most 4096 characters");
    }

    @Test
    void shouldRefuseWhenTheExpressionNestsTooDeep() {
        String expression = "(".repeat(Filter.DEPTH_MAX) + "kind == \"text\"" + ")".repeat(Filter.DEPTH_MAX);

        assertThatThrownBy(() -> Filter.parse(expression))
                .isInstanceOf(FilterParseException.class)
                .hasMessage("column 65: nested more than 64 deep");
    }

    @Test
    void shouldAcceptWhenNestedJustUnderTheBound() throws FilterParseException {
        int depth = Filter.DEPTH_MAX - 1;
        String expression = "(".repeat(depth) + "kind == \"text\"" + ")".repeat(depth);

        assertThat(Filter.parse(expression).test(EVENT)).isTrue();
        assertThat(Filter.parse(expression)).hasToString(expression);
    }
}
