/**
 * {@code elara chat}: a chat terminal on a running node's control socket. {@link io.elara.cli.chat.ChatInput} reads
 * what is typed (pure), {@link io.elara.cli.chat.ChatClient} acts on it and renders what the node delivers
 * ({@code ChatVoice} runs {@code /voice}), and a
 * {@link io.elara.cli.chat.ChatView} is the screen: JLine's line editor and status line on a terminal ({@code io.elara.cli.terminal.TerminalView}), plain lines on
 * a pipe.
 */
package io.elara.cli.chat;
