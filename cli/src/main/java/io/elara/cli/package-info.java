/** The {@code elara} command line: entry point, top-level command, exit codes and the user-error type. */
package io.elara.cli;
