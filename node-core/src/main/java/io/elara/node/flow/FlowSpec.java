package io.elara.node.flow;

import java.util.List;
import java.util.Set;

/**
 * One validated flow from the config.
 *
 * @param name unique among the node's flows
 * @param source where its messages come from
 * @param sessions the sessions whose events it takes ({@code direct} for direct messages); empty means all
 * @param includeOwn whether it also takes the events this node authored (a recorder does; an echo bot must not)
 * @param steps what each message goes through, in order
 */
public record FlowSpec(String name, Source source, Set<String> sessions, boolean includeOwn, List<StepSpec> steps) {
    /** Where a flow's messages come from. */
    public enum Source {
        /** The events this node delivers locally: received ones, and (with include-own) its own. */
        EVENTS,
        /** Only what a {@code route} step of another flow sends it. */
        ROUTE
    }

    public FlowSpec {
        sessions = Set.copyOf(sessions);
        steps = List.copyOf(steps);
    }

    /** Whether an event of {@code session}, authored here when {@code local}, enters this flow. */
    public boolean accepts(String session, boolean local) {
        return source == Source.EVENTS && (includeOwn || !local) && (sessions.isEmpty() || sessions.contains(session));
    }
}
