/** Audio building blocks for pipeline nodes: WAV files, tone, gain, mixing, resampling and voice activity. */
package io.elara.node.pipeline.audio;
