/** How {@code elara} prints: human lines, {@code --json} lines, and log setup. */
package io.elara.cli.output;
