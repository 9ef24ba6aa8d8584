package io.elara.node.channel;

/**
 * The head and tail cursors of {@link QueueChannel}, each on its own cache line. The consumer writes the head and the
 * producers write the tail (and both write the wake-up flag); without the padding every offer would evict the consumer's line and every poll the
 * producers'. The JVM lays out a superclass's fields before a subclass's, so the chain below fixes the order
 * {@code padding, head, padding, tail, padding, armed flag, padding}.
 */
final class QueueCursors {
    private QueueCursors() {}

    abstract static class HeadPadding {
        long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
    }

    abstract static class Head extends HeadPadding {
        /** Position of the next message to take; read and written through a VarHandle. */
        volatile long head;
    }

    abstract static class TailPadding extends Head {
        long p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31;
    }

    abstract static class Tail extends TailPadding {
        /** Position the next producer claims; read and written through a VarHandle. */
        volatile long tail;
    }

    abstract static class ArmedPadding extends Tail {
        long p32, p33, p34, p35, p36, p37, p38, p39, p40, p41, p42, p43, p44, p45, p46, p47;
    }

    abstract static class Armed extends ArmedPadding {
        /**
         * True while the consumer's last look found the queue empty; the next publishing producer disarms it and
         * wakes the consumer. Apart from the final fields both sides read on every call, since the consumer writes it
         * each time it goes idle.
         */
        volatile boolean wakeUpArmed = true;
    }

    abstract static class Fields extends Armed {
        long p48, p49, p50, p51, p52, p53, p54, p55, p56, p57, p58, p59, p60, p61, p62, p63;
    }
}
