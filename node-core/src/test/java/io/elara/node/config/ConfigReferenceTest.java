package io.elara.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The README's config reference and the loader agree: every key the README's YAML block shows is one the loader knows,
 * and every key the loader knows is in that block. Flow steps are left out on both sides: docs/FLOWS.md documents them.
 */
class ConfigReferenceTest {
    @Test
    void shouldDocumentEveryKeyTheLoaderKnowsAndNoOther() throws Exception {
        Set<String> documented = new TreeSet<>();
        keys(new YAMLMapper().readTree(readmeBlock()), "", documented);
        Set<String> known = new TreeSet<>();
        keys(RawConfig.class, "", known);

        assertThat(documented)
                .as("keys in the README that the loader does not know")
                .isSubsetOf(known);
        assertThat(known)
                .as("keys the loader knows that the README does not show")
                .isSubsetOf(documented);
    }

    /** The YAML block that follows "One YAML file per node." in the README. */
    private static String readmeBlock() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        String readme = Files.readString(dir.resolve("README.md"));
        int start = readme.indexOf("```yaml", readme.indexOf("One YAML file per node."));
        int end = readme.indexOf("```", start + 7);
        return readme.substring(start + 7, end);
    }

    private static void keys(JsonNode node, String prefix, Set<String> out) {
        if (node.isArray()) {
            node.forEach(element -> keys(element, prefix, out));
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String key = prefix + field.getKey();
                out.add(key);
                if (!key.equals("flows")) {
                    keys(field.getValue(), key + ".", out);
                }
            }
        }
    }

    private static void keys(Class<?> type, String prefix, Set<String> out) {
        for (Field field : type.getDeclaredFields()) {
            JsonProperty property = field.getAnnotation(JsonProperty.class);
            if (property == null) {
                continue;
            }
            String key = prefix + property.value();
            out.add(key);
            if (key.equals("flows")) {
                continue;
            }
            Class<?> inner = field.getType();
            if (java.util.List.class.isAssignableFrom(inner)) {
                Type element = ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0];
                inner = element instanceof Class<?> c ? c : Object.class;
            }
            if (inner.getName().startsWith(RawConfig.class.getName())) {
                keys(inner, key + ".", out);
            }
        }
    }
}
