package io.elara.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Percentiles read back from the histogram are within its stated precision of the exact ones. */
class LatencyHistogramTest {
    @Test
    void shouldReturnExactValuesWhenTheyAreSmall() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int value = 1; value <= 100; value++) {
            histogram.record(value);
        }
        assertThat(histogram.valueAt(0.5)).isEqualTo(50);
        assertThat(histogram.valueAt(0.99)).isEqualTo(99);
        assertThat(histogram.valueAt(1)).isEqualTo(100);
        assertThat(histogram.max()).isEqualTo(100);
        assertThat(histogram.count()).isEqualTo(100);
    }

    @Test
    void shouldStayWithinOneSixtyFourthWhenValuesSpanManyPowersOfTwo() {
        LatencyHistogram histogram = new LatencyHistogram();
        long[] values = new long[100_000];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(random.nextDouble() * Math.log(10_000_000));
            histogram.record(values[i]);
        }
        java.util.Arrays.sort(values);
        for (double quantile : new double[] {0.5, 0.9, 0.99, 0.999}) {
            long exact = values[(int) Math.ceil(quantile * values.length) - 1];
            assertThat((double) histogram.valueAt(quantile))
                    .as("quantile %s", quantile)
                    .isCloseTo((double) exact, within(exact / 64.0 + 1));
        }
        assertThat(histogram.max()).isEqualTo(values[values.length - 1]);
    }

    @Test
    void shouldMapEveryBucketBackToAValueInsideItWhenIndexing() {
        for (long value : new long[] {0, 127, 128, 129, 255, 256, 1_000, 65_535, 1L << 30, (1L << 44) - 1}) {
            long middle = LatencyHistogram.middle(LatencyHistogram.index(value));
            assertThat((double) middle).as("value %d", value).isCloseTo((double) value, within(value / 64.0 + 1));
        }
        assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.index((1L << 44) - 1));
    }

    @Test
    void shouldCountNegativeValuesAsZeroAndReportZeroWhenEmpty() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertThat(histogram.valueAt(0.99)).isZero();
        assertThat(histogram.max()).isZero();
        histogram.record(-5);
        assertThat(histogram.valueAt(0.5)).isZero();
    }
}
