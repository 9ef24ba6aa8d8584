/**
 * The voice client's parts that {@code elara voice} and {@code elara chat} share: sources (file, tone, microphone), the
 * speaker, the degradation ladder a sender follows, and the reader of a {@code media-send} connection's answers.
 */
package io.elara.cli.voice;
