package io.elara.crypto.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.vectors.SharedData;
import java.util.ArrayList;
import java.util.List;

/** Reads a Wycheproof file ({@code vectors/wycheproof/...} in the shared data): its tests, each with its group. */
final class Wycheproof {
    private Wycheproof() {}

    /** One test case and the group it belongs to (which holds the public key of signature tests, for example). */
    record Case(JsonNode group, JsonNode test) {
        int id() {
            return test.get("tcId").asInt();
        }

        String result() {
            return test.get("result").asText();
        }

        byte[] hex(String field) {
            return SharedData.hex(test.get(field).asText());
        }

        @Override
        public String toString() {
            return "tcId " + id() + " (" + result() + ", " + test.get("comment").asText() + ", flags "
                    + test.get("flags") + ")";
        }
    }

    /** Every test case in {@code file}, checked against the file's own {@code numberOfTests}. */
    static List<Case> cases(String file) {
        JsonNode root = SharedData.json("vectors/wycheproof/" + file);
        List<Case> cases = new ArrayList<>();
        for (JsonNode group : root.get("testGroups")) {
            for (JsonNode test : group.get("tests")) {
                cases.add(new Case(group, test));
            }
        }
        if (cases.size() != root.get("numberOfTests").asInt()) {
            throw new AssertionError(
                    file + " declares " + root.get("numberOfTests") + " tests but holds " + cases.size());
        }
        return cases;
    }
}
