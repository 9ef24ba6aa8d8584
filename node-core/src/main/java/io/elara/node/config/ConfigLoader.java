package io.elara.node.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Loads a node's YAML config. Unknown keys, wrong types, duplicate keys and out-of-range values are rejected at load,
 * with one line naming file, line, column and field. Host names in the file are resolved here, off the event loop.
 */
public final class ConfigLoader {
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = mapper();

    private ConfigLoader() {}

    private static ObjectMapper mapper() {
        YAMLMapper mapper = YAMLMapper.builder(FACTORY)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** Reads and validates {@code file}. */
    public static NodeConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file, e);
        } catch (MalformedInputException e) {
            throw new ConfigException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file);
    }

    /** Validates {@code text} as if read from {@code source}; relative paths resolve against the source's folder. */
    public static NodeConfig parse(String text, Path source) throws ConfigException {
        YamlLocator locator;
        try {
            locator = YamlLocator.index(text, FACTORY);
        } catch (JsonProcessingException e) {
            throw new ConfigException(YamlLocator.syntaxError(source, e), e);
        } catch (IOException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        if (locator.isEmpty()) {
            throw new ConfigException(source + ": the file is empty; it needs at least 'name:'");
        }
        RawConfig raw;
        try {
            raw = MAPPER.readValue(text, RawConfig.class);
        } catch (UnrecognizedPropertyException e) {
            String container = pointer(e.getPath(), e.getPath().size() - 1);
            String key = container + "/" + escape(e.getPropertyName());
            throw new ConfigException(
                    ConfigValidator.locate(source, locator.whereKey(key)) + path(e.getPath(), true) + "unknown key '"
                            + e.getPropertyName() + "' (known here: " + known(e.getKnownPropertyIds()) + ")",
                    e);
        } catch (MismatchedInputException e) {
            String at = pointer(e.getPath(), e.getPath().size());
            String got = locator.scalar(at);
            String where = locator.where(at);
            throw new ConfigException(
                    (where != null ? ConfigValidator.locate(source, where) : at(source, e.getLocation()))
                            + path(e.getPath(), false) + "expected " + YamlLocator.describeType(e.getTargetType())
                            + (got != null ? ", got '" + got + "'" : ""),
                    e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(at(source, e.getLocation()) + YamlLocator.firstLine(e), e);
        }
        if (raw == null) {
            // A document of comments and a null ('~', 'null'): found by ConfigFileFuzzTest, it reached the validator.
            throw new ConfigException(source + ": the file holds no settings, only a null; it needs at least 'name:'");
        }
        Path base = source.toAbsolutePath().getParent();
        return ConfigValidator.validate(raw, source, base, locator);
    }

    /** Binds the YAML of a {@code flows:} key (for configs built in code); validation comes with the rest. */
    static List<RawConfig.RawFlow> flows(String yaml) throws ConfigException {
        try {
            return MAPPER.readValue(
                    yaml, new com.fasterxml.jackson.core.type.TypeReference<List<RawConfig.RawFlow>>() {});
        } catch (JsonProcessingException e) {
            throw new ConfigException("flows: " + YamlLocator.firstLine(e), e);
        }
    }

    /** The JSON pointer of the first {@code count} references. */
    private static String pointer(List<JsonMappingException.Reference> references, int count) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < count; i++) {
            JsonMappingException.Reference reference = references.get(i);
            pointer.append('/');
            if (reference.getFieldName() != null) {
                pointer.append(escape(reference.getFieldName()));
            } else {
                pointer.append(reference.getIndex());
            }
        }
        return pointer.toString();
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static String at(Path source, JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return ConfigValidator.locate(source, null);
        }
        return ConfigValidator.locate(source, location.getLineNr() + ":" + location.getColumnNr());
    }

    /** {@code peers[0].address: }; for an unknown key, the path of the mapping that holds it. */
    private static String path(List<JsonMappingException.Reference> references, boolean dropLast) {
        String field = YamlLocator.fieldPath(references, dropLast ? references.size() - 1 : references.size());
        return field.isEmpty() ? "" : field + ": ";
    }

    private static String known(Collection<Object> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new)).stream()
                .collect(Collectors.joining(", "));
    }
}
